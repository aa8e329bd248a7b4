"""The studio's words for a job: its status and next step, its duration, the advice for its failure, and what its
kind's facts mean to a person.

The kind registry (``heygen.studio.kinds``) states facts ("named in its panel", "typically 10-30
minutes", "not made here"); the sentences built from them live here, in one place.
"""

from __future__ import annotations

from heygen.studio import agent_chat, kinds, lipsync, translate
from heygen.studio.errors import NotSendable, Unsendable
from heygen.studio.jobs import Job

STATUS_WORDS = {
    "queued": "Waiting for a free slot",  # a translation beyond its request's cap (heygen.studio.translate)
    "submitting": "Sending to HeyGen",
    "waiting": "Waiting in HeyGen's queue",
    "pending": "Queued at HeyGen",
    "processing": "Rendering",
    "completed": "Ready",
    "failed": "Failed",
    "not_found": "No longer on HeyGen",
    "rejected": "Key rejected",
    "submit_failed": "Not sent",
    "checking": "Checking with HeyGen",
    "unclear": "HeyGen may have received this",
    "proofreading": "Preparing subtitles to review",  # a translation's proofread (heygen.studio.translate)
    "review": "Waiting for your review",
}

NEXT_STEP = {
    "queued": "Only a few translations of this request run at once; the studio sends this one as soon as one of "
              "them finishes, even with this page closed. Nothing has been sent or charged for it yet.",
    "submitting": "The studio is sending the request to HeyGen.",
    "waiting": "HeyGen has the request and will start rendering shortly.",
    "pending": "HeyGen will start rendering shortly.",
    "processing": "HeyGen is rendering the video; this panel updates on its own.",
    "checking": "HeyGen may have received this: its answer was lost. The studio is looking for the video on "
                "your account before anything is sent again.",
}

# Advice for the failure codes particular to a kind (``JobKind.failure_codes``).
KIND_ADVICE = {
    lipsync.FAILED_CODE: "HeyGen could not lip-sync the new audio. Check that the audio is clear speech, then "
                         "replace the audio of the original again.",
    translate.FAILED_CODE: "HeyGen could not translate this language. Check that the speech in the video is clear, "
                           "then use Retry this language.",
}


def fmt_duration(seconds: float | None) -> str:
    """A duration as people read it: "45 s", "3 min 05 s", "1 h 02 min"; "—" when unknown."""
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {sec:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def status_words(status: str) -> str:
    """A job status in the words of its panel."""
    return STATUS_WORDS.get(status, f"In progress ({status})")


def job_status_words(job: Job) -> str:
    """The job's status in the words its panel uses: a Video Agent chat session's own status while the
    session is followed (e.g. "Waiting for your answer"), else the job's."""
    session_status = agent_chat.session_record(job).get("status") if agent_chat.follows_session(job) else None
    return session_words(session_status) if session_status else status_words(job.status)


def typical_wait(kind: kinds.JobKind) -> str:
    """How long renders of ``kind`` usually take, as a sentence (empty when the kind says nothing of it)."""
    if kind.typical_minutes is None:
        return ""
    low, high = kind.typical_minutes
    return f"{kind.label}s often take {low}–{high} minutes."


def made_how(kind: kinds.JobKind, elapsed: float | None) -> str:
    """Where a finished video came from: rendered by the studio (in how long), or brought in from HeyGen."""
    return f"rendered in {fmt_duration(elapsed)}" if kind.made_here else "imported from HeyGen"


# Advice for a failed render, by HeyGen's ``failure_code`` (every kind's; ``failure_hint`` also reads its message).
FAILURE_HINTS = {
    "download_failed": "HeyGen could not download your audio or image. Upload the file in the Studio "
                       "(not a link) and try again.",
    "insufficient_credit": "The account ran out of credit during the render. Add credits, then use Edit & retry.",
    "movio_payment_insufficient_credit": "The account ran out of credit during the render. Add credits, then "
                                         "use Edit & retry.",
    "no_face_detected": "HeyGen found no clear face in the photo. Use a well-lit, frontal photo of one person.",
    "audio_unreadable": "HeyGen could not read the audio file. Export it again as MP3 or WAV and retry.",
    "script_too_long": "The script is longer than HeyGen allows. Shorten it and retry.",
    "avatar_not_found": "The avatar is no longer available. Pick another one and retry.",
    "internal_error": "HeyGen had an internal problem with this render. Edit & retry usually works.",
}


def failure_hint(code: str | None, message: str | None) -> str | None:
    """Our advice for a failed render, from HeyGen's ``failure_code`` (or its message)."""
    if code and code.lower() in FAILURE_HINTS:
        return FAILURE_HINTS[code.lower()]
    text = (message or "").lower()
    if "face" in text:
        return FAILURE_HINTS["no_face_detected"]
    if "download" in text:
        return FAILURE_HINTS["download_failed"]
    if "credit" in text:
        return FAILURE_HINTS["insufficient_credit"]
    if "audio" in text:
        return FAILURE_HINTS["audio_unreadable"]
    return None


def failure_advice(job: Job) -> str | None:
    """Advice for a failed render: the advice for a failure code of its kind's own, else the general advice."""
    code = (job.failure_code or "").lower()
    if code in kinds.of(job).failure_codes:
        return KIND_ADVICE[code]
    return failure_hint(job.failure_code, job.failure_message)


# ---------------------------------------------------------------- a translation request (heygen.studio.translate)

# The words of each problem of a request; {names} are languages, the numbers are the problem's own.
TRANSLATION_PROBLEMS = {
    translate.Code.NO_LANGUAGE: "Choose at least one language to translate into.",
    translate.Code.LANGUAGE_TWICE: "A language is chosen twice.",
    translate.Code.UNSUPPORTED: "HeyGen does not translate into {names}; choose languages from the list.",
    translate.Code.REVIEW_NOT_CHOSEN: "Subtitles to review are for a language not chosen: {names}.",
    translate.Code.MODE: "Choose speed or precision.",
    translate.Code.NO_SOURCE: "Choose the video to translate.",
    translate.Code.NO_SOURCES: "Choose at least one finished video to translate.",
    translate.Code.NOT_FINISHED: "Only a finished video can be translated; wait until it is ready.",
    translate.Code.NO_VIDEO_YET: "This translation has no video yet.",
    translate.Code.GONE: "HeyGen no longer has this video, so it cannot be translated. Unselect it.",
    translate.Code.VIDEO_TWICE: "A video is chosen twice.",
    translate.Code.AT_ONCE: "Choose how many translate at once: 1 to {limit}.",
    translate.Code.TOO_MANY: "{videos} videos × {languages} languages is {total} translations; one request makes at "
                             "most {limit}. Choose fewer videos or languages.",
}


def translation_problem(problem: translate.Problem) -> str:
    """One problem of a translation request as a sentence (named after its video when it concerns one of several)."""
    text = TRANSLATION_PROBLEMS[problem.code].format(
        names=", ".join(problem.names), videos=problem.videos, languages=problem.languages,
        total=problem.videos * problem.languages, limit=problem.limit)
    return text if problem.source is None else f"“{problem.source or 'Untitled video'}”: {text}"


def translation_problems(problems: translate.Problems) -> dict[str, str]:
    """A request's problems as the form shows them: one paragraph per field."""
    return {field: " ".join(translation_problem(p) for p in found) for field, found in problems.items()}


def translation_facts(languages: list[str], duration: float | None) -> str:
    """The cost-relevant facts of a request: number of languages × video length."""
    count = len(languages)
    text = f"{count} language{'s' if count != 1 else ''}"
    if duration:
        text += f" × {_length(duration)} of video = {_length(count * duration)} of translated video"
    return text


def _length(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60:02d} s"


def translation_facts_many(sources: list[Job], languages: list[str]) -> str:
    """The cost-relevant facts of translating several videos: videos × languages, and the minutes made."""
    videos, count = len(sources), len(languages)
    text = (f"{videos} video{'s' if videos != 1 else ''} × {count} language{'s' if count != 1 else ''} = "
            f"{videos * count} translation{'s' if videos * count != 1 else ''}")
    known = [float(j.duration) for j in sources if j.duration]
    if known:
        total = round(sum(known))  # whole seconds, so that the two figures agree
        text += f" · {_length(total)} of video → {_length(total * count)} of translated video"
        missing = videos - len(known)
        if missing:
            text += f" (plus {missing} video{'s' if missing != 1 else ''} of unknown length)"
    return text


# ---------------------------------------------------------------- a send the studio refused (heygen.studio.errors)

MAY_HAVE = "HeyGen may have received this"
# The sentence and the hint of each reason a send is refused.
NOT_SENDABLE = {
    Unsendable.CHECKING: (f"{MAY_HAVE}: the studio is checking your HeyGen account before anything is sent again.",
                          "Watch this video on the Videos page; it offers “Send again” if nothing turns up."),
    Unsendable.SENDING_NOW: (f"{MAY_HAVE}: this video is being sent right now.", "Watch it on the Videos page."),
    Unsendable.ALREADY_STARTED: ("This language's render has already been started.", "Watch it on the Videos page."),
}


def not_sendable(error: NotSendable) -> dict[str, str]:
    """A refused send as the record the pages show (``feedback.show_error``): what happened and what to do."""
    message, hint = NOT_SENDABLE[error.reason]
    return {"kind": "NotSendable", "message": message, "hint": hint}


# ---------------------------------------------------------------- a Video Agent chat (heygen.studio.agent_chat)

SESSION_WORDS = {
    "thinking": "Thinking",
    "waiting_for_input": "Waiting for your answer",
    "reviewing": "Reviewing",
    "generating": "Generating the video",
    "completed": "Completed",
    "failed": "Failed",
}


def session_words(status: str | None) -> str:
    """A Video Agent session's status in words."""
    return SESSION_WORDS.get(status or "", (status or "unknown").replace("_", " ").capitalize())


def chat_refusal(error: agent_chat.ChatError) -> str:
    """Why a message (or a stop) was not sent, as one sentence."""
    reason = agent_chat.Refusal
    return {
        reason.NOT_CHAT: "This video was not made in a chat session.",
        reason.STOPPED: "You stopped this session; start a new one to go on.",
        reason.AWAITING: "HeyGen may have your last message already; the studio is checking the conversation first.",
        reason.BUSY: f"The agent is busy ({session_words(error.status).lower()}); wait until it has finished, "
                     "or stop it.",
        reason.EMPTY: "Write a message first: it is empty.",
        reason.TOO_LONG: f"The message is {error.length or 0:,} characters; the agent takes at most "
                         f"{agent_chat.MESSAGE_MAX:,}.",
    }[error.reason]
