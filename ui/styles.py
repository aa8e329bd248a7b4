"""The studio's own styles: the avatar gallery and voice cards, the batch steps, the agent's style cards.

The web server (``ui.server``) writes them into the head of every page it serves, so they apply from the
first paint. Drawn by the page instead, they came only once the browser had loaded the code of the
element that carried them, seconds late on a busy laptop; meanwhile the gallery's cards were short and
a Select button moved under the pointer when they grew (129 px, seen under load).
"""

from __future__ import annotations

GALLERY = """
.hg-card { margin-bottom: -1rem; }  /* as close to its button as a Markdown block sits */
.hg-thumb { position: relative; width: 100%; height: 150px; border-radius: 0.5rem; overflow: hidden;
  background: linear-gradient(135deg, #efeefb, #e3e1f0); }
.hg-thumb img { width: 100%; height: 100%; object-fit: cover; object-position: center 20%; display: block; }
.hg-thumb .hg-initials { position: absolute; inset: 0; display: flex; align-items: center;
  justify-content: center; font-size: 2rem; font-weight: 700; color: #8a84c9; }
.hg-thumb.hg-dim img { filter: grayscale(0.9) opacity(0.55); }
.hg-ribbon { position: absolute; left: 6px; top: 6px; padding: 1px 8px; border-radius: 999px;
  font-size: 0.68rem; font-weight: 600; background: rgba(31,29,46,0.78); color: #fff; }
.hg-name { font-weight: 600; font-size: 0.9rem; margin-top: 0.45rem; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; color: #1f1d2e; }
.hg-meta { display: flex; flex-wrap: nowrap; gap: 4px; margin-top: 0.2rem; overflow: hidden; height: 1.35rem; }
.hg-badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.7rem; line-height: 1.1rem;
  white-space: nowrap; background: #f0eff6; color: #55526b; }
.hg-badge.hg-studio { background: #ecebfd; color: #4a3dc4; }
.hg-badge.hg-video { background: #e4f0fd; color: #1d5fa8; }
.hg-badge.hg-photo { background: #e3f6ec; color: #17784a; }
.hg-badge.hg-mine { background: #fff1e0; color: #a35a00; }
.hg-badge.hg-wait { background: #eeeeee; color: #666; }
.hg-badge.hg-ok { background: #e3f6ec; color: #17784a; }
.hg-voice-name { font-weight: 600; font-size: 1rem; }
.hg-field-error { color: #c0262d; font-size: 0.85rem; margin: -0.25rem 0 0.5rem 0; }
div[class*="st-key-"][class*="_av_card_"]:has(button[kind="primary"]) { border: 2px solid #5b4cdb !important;
  box-shadow: 0 0 0 4px rgba(91, 76, 219, 0.14); background: #faf9ff; }
/* On a first visit the browser draws a 40 px placeholder for each widget until its code has loaded
   (seconds on a busy laptop). The gallery's filters and cards, and the voice lists, keep their final
   heights meanwhile, so the buttons below them do not move under the pointer when the widgets appear. */
div[class*="st-key-"][class*="_av_gender"]:has(> [data-testid="stSkeleton"]),
div[class*="st-key-"][class*="_av_type"]:has(> [data-testid="stSkeleton"]),
div[class*="st-key-"][class*="_av_orientation"]:has(> [data-testid="stSkeleton"]),
div[class*="st-key-"][class*="_vo_language"]:has(> [data-testid="stSkeleton"]),
div[class*="st-key-"][class*="_vo_gender"]:has(> [data-testid="stSkeleton"]),
div[class*="st-key-"][class*="_vo_choice"]:has(> [data-testid="stSkeleton"]) { height: 68px; }
div[class*="st-key-"][class*="_av_owner"]:has(> [data-testid="stSkeleton"]) { height: 32px; overflow: hidden; }
div[class*="_av_card_"] > [data-testid="stElementContainer"]:first-child:has(> [data-testid="stSkeleton"]) {
  height: 189px; }
"""

BATCH = """
.hg-step { display: flex; align-items: center; gap: 0.6rem; margin: 0 0 0.4rem 0; }
.hg-step-n { flex: none; width: 1.9rem; height: 1.9rem; border-radius: 999px; display: flex; align-items: center;
  justify-content: center; font-weight: 700; font-size: 0.95rem; background: #ecebfd; color: #4a3dc4; }
.hg-step-n.hg-done { background: #e3f6ec; color: #17784a; }
.hg-step-n.hg-later { background: #f0eff6; color: #9a97ad; }
.hg-step-t { font-weight: 700; font-size: 1.25rem; color: #1f1d2e; }
.hg-step-t.hg-later { color: #9a97ad; }
.hg-step-s { color: #6b6880; font-size: 0.9rem; margin-left: auto; }
.hg-preview { background: #faf9ff; border: 1px solid #e6e4f3; border-radius: 0.5rem; padding: 0.8rem 1rem;
  line-height: 1.55; white-space: normal; }
"""

AGENT = """
.ag-style-thumb { position: relative; width: 100%; aspect-ratio: 16 / 9; border-radius: 0.5rem; overflow: hidden;
  background: linear-gradient(135deg, #efeefb, #e3e1f0); }
.ag-style-thumb img { width: 100%; height: 100%; object-fit: cover; display: block; }
.ag-style-thumb .ag-none { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
  color: #6b62c9; font-size: 1.7rem; line-height: 1; }
.ag-style-name { font-weight: 600; font-size: 0.84rem; line-height: 1.15rem; height: 2.3rem; margin-top: 0.4rem;
  overflow: hidden; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; color: #1f1d2e; }
.ag-style-meta { color: #6b6880; font-size: 0.74rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.ag-aspect { position: absolute; right: 6px; top: 6px; padding: 1px 8px; border-radius: 999px; font-size: 0.68rem;
  font-weight: 600; background: rgba(31,29,46,0.72); color: #fff; }
.ag-file { display: flex; align-items: center; gap: 0.6rem; min-height: 2.4rem; }
.ag-file-name { font-weight: 600; font-size: 0.92rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ag-file-meta { color: #6b6880; font-size: 0.8rem; }
.ag-file-bad { color: #c0262d; font-size: 0.84rem; }
.ag-counter { color: #6b6880; font-size: 0.85rem; margin-top: -0.4rem; }
.ag-counter.ag-over { color: #c0262d; font-weight: 600; }
.st-key-agent_prompt:focus-within ~ div .ag-counter { visibility: hidden; }
div[data-testid="stLayoutWrapper"]:has(> .st-key-agent_side) { position: sticky; top: 3.75rem; z-index: 2;
  max-height: calc(100vh - 4.5rem); overflow-y: auto; }
div[class*="st-key-agent_style_sel"] { border: 2px solid #5b4cdb !important;
  box-shadow: 0 0 0 4px rgba(91, 76, 219, 0.14); background: #faf9ff; }
"""

PAGE = "<style>" + GALLERY + BATCH + AGENT + "</style>"
