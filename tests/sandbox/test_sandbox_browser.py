"""Sandbox: the finished MP4s play and seek in a real Chromium (served with HTTP Range)."""

import pytest

PLAY_AND_SEEK = """async () => {
  const video = document.querySelector('video');
  video.muted = true;
  await new Promise((resolve, reject) => {
    if (video.readyState >= 1) resolve();
    video.onloadedmetadata = resolve;
    video.onerror = () => reject('media error ' + (video.error && video.error.code));
  });
  await video.play();
  video.currentTime = 3.0;
  await new Promise(resolve => { video.onseeked = resolve; });
  return {width: video.videoWidth, height: video.videoHeight, duration: video.duration,
          time: video.currentTime, error: video.error};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("aspect,size", [("16:9", (640, 360)), ("9:16", (360, 640))])
def test_chromium_plays_and_seeks_the_clip(sandbox, api, page, aspect, size):
    sandbox.configure(render_seconds=0)
    video_id = api.create_video(aspect_ratio=aspect).json()["data"]["video_id"]
    detail = api.get(f"/v3/videos/{video_id}").json()["data"]
    page.goto(detail["video_page_url"])
    result = page.evaluate(PLAY_AND_SEEK)
    assert result["error"] is None
    assert (result["width"], result["height"]) == size
    assert 3.5 <= result["duration"] <= 4.5
    assert result["time"] >= 2.9
    media = [e for e in sandbox.requests_log(media=True) if e["path"].endswith(".mp4")]
    assert media and all(e["status"] == 206 for e in media)
