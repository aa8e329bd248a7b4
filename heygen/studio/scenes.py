"""Multi-scene videos: the storyboard, each scene's estimated length, the checks made before
anything is sent (each message belongs to one scene), and the ``POST /v3/videos`` body of
``type: studio`` with the files still to upload.

A scene is one of four kinds: an avatar speaking, a photo speaking, a still image (silent for a
number of seconds, or narrated) and a video clip. Files (photos, images, audio, clips) stay on
this machine until launch; a ``SceneFile`` names one kept with the draft, and its ``asset_id``
once a launch has uploaded it (it is then reused, not uploaded again).
"""

from __future__ import annotations

import hashlib
import re
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from heygen.api.videos import STUDIO_ASPECT_RATIOS, STUDIO_SCENES_MAX, StudioSpec

from .launch import Upload
from .scripting import MAX_SCRIPT_CHARS, char_count, default_title, estimated_seconds

KINDS = {"avatar": "Avatar speaking", "photo": "Photo speaking", "image": "Still image", "clip": "Video clip"}
SPEECH = ("script", "audio", "silent")  # "silent" only for a still image
CAPTIONS = {"off": "No captions", "sidecar": "Subtitle file (SRT)", "burned": "Burned into the video"}
RESOLUTIONS = ("720p", "1080p", "4k")
ASPECT_RATIOS = STUDIO_ASPECT_RATIOS
MAX_SCENES = STUDIO_SCENES_MAX
MAX_STILL_SECONDS = 300
DEFAULT_STILL_SECONDS = 5.0
PLACEHOLDER = "(uploaded when you press Generate)"
BOARD = ""  # the key of problems that concern the whole storyboard, not one scene


@dataclass
class SceneFile:
    """A file of a scene, kept with its draft until launch."""

    name: str  # the file's name as the user uploaded it
    stored: str = ""  # its name in the draft's folder ("" when it was refused)
    mime_type: str = ""
    size: int = 0
    seconds: float | None = None  # audio and clips: their length
    width: int | None = None
    height: int | None = None
    asset_id: str | None = None  # set once a launch uploaded it
    error: str | None = None  # why the file cannot be used (it was not kept)

    @classmethod
    def from_dict(cls, data: Any) -> SceneFile | None:
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return None
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Scene:
    """One scene of the storyboard; only the fields of its ``kind`` are used."""

    kind: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    avatar_id: str | None = None
    avatar_name: str | None = None
    speech: str = "script"
    script: str = ""
    voice_id: str | None = None
    voice_name: str | None = None
    speed: float | None = None
    audio: SceneFile | None = None
    picture: SceneFile | None = None  # the photo (photo) or the image (still image)
    duration: float | None = DEFAULT_STILL_SECONDS  # a silent still image's seconds
    clip: SceneFile | None = None
    volume: float = 1.0
    mute: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown scene kind {self.kind!r}")
        if self.speech not in SPEECH or (self.speech == "silent" and self.kind != "image"):
            self.speech = "script"

    @property
    def label(self) -> str:
        return KINDS[self.kind]

    @property
    def speaks(self) -> bool:
        """True when the scene has speech (a script or audio), False for a silent image or a clip."""
        return self.kind != "clip" and self.speech != "silent"

    def files(self) -> dict[str, SceneFile]:
        """The scene's files that are used now, by role ("image", "audio", "clip")."""
        found: dict[str, SceneFile] = {}
        if self.kind in ("photo", "image") and self.picture is not None:
            found["image"] = self.picture
        if self.speaks and self.speech == "audio" and self.audio is not None:
            found["audio"] = self.audio
        if self.kind == "clip" and self.clip is not None:
            found["clip"] = self.clip
        return found

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scene:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in ("audio", "picture", "clip"):
            values[name] = SceneFile.from_dict(values.get(name))
        return cls(**values)

    def copy(self) -> Scene:
        """The same scene under a new id (its files are shared until one of them changes)."""
        return replace(Scene.from_dict(self.to_dict()), id=uuid.uuid4().hex[:10])


@dataclass
class Storyboard:
    """The whole video: its scenes in order, and the settings made once for all of them."""

    title: str = ""
    aspect_ratio: str = "16:9"
    resolution: str = "1080p"
    captions: str = "off"
    scenes: list[Scene] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "aspect_ratio": self.aspect_ratio, "resolution": self.resolution,
                "captions": self.captions, "scenes": [s.to_dict() for s in self.scenes]}

    @classmethod
    def from_dict(cls, data: Any) -> Storyboard:
        data = data if isinstance(data, dict) else {}
        board = cls()
        if isinstance(data.get("title"), str):
            board.title = data["title"]
        if data.get("aspect_ratio") in ASPECT_RATIOS:
            board.aspect_ratio = data["aspect_ratio"]
        if data.get("resolution") in RESOLUTIONS:
            board.resolution = data["resolution"]
        if data.get("captions") in CAPTIONS:
            board.captions = data["captions"]
        for item in data.get("scenes") or []:
            try:
                board.scenes.append(Scene.from_dict(item))
            except (TypeError, ValueError):
                continue  # a scene this version cannot read is left out
        return board

    def index_of(self, scene_id: str) -> int:
        return next(i for i, s in enumerate(self.scenes) if s.id == scene_id)

    def add(self, kind: str) -> Scene:
        scene = Scene(kind)
        self.scenes.append(scene)
        return scene

    def duplicate(self, scene_id: str) -> Scene:
        """A copy of the scene, placed right after it."""
        index = self.index_of(scene_id)
        scene = self.scenes[index].copy()
        self.scenes.insert(index + 1, scene)
        return scene

    def delete(self, scene_id: str) -> None:
        self.scenes.pop(self.index_of(scene_id))

    def move(self, scene_id: str, step: int) -> None:
        """Move a scene up (-1) or down (+1); nothing happens at either end."""
        index = self.index_of(scene_id)
        target = index + step
        if 0 <= target < len(self.scenes):
            self.scenes[index], self.scenes[target] = self.scenes[target], self.scenes[index]


# -- lengths ------------------------------------------------------------------------------------------


def scene_seconds(scene: Scene) -> float | None:
    """The scene's estimated length: spoken script, audio or clip length, or a still image's seconds."""
    if scene.kind == "clip":
        return scene.clip.seconds if scene.clip is not None and not scene.clip.error else None
    if scene.speech == "silent":
        return float(scene.duration) if scene.duration else None
    if scene.speech == "audio":
        return scene.audio.seconds if scene.audio is not None and not scene.audio.error else None
    return estimated_seconds(scene.script, speed=scene.speed) if scene.script.strip() else None


def total_seconds(board: Storyboard) -> float:
    """The sum of the scenes' estimated lengths (scenes of unknown length count as 0)."""
    return sum(scene_seconds(s) or 0.0 for s in board.scenes)


# -- checks -------------------------------------------------------------------------------------------


def _speech_problems(scene: Scene, script_limit: int) -> list[str]:
    if scene.speech == "audio":
        if scene.audio is None:
            return ["Upload an audio file, or switch to a script."]
        return []
    if not scene.script.strip():
        if scene.kind == "image":
            return ["Write the narration, or make the image silent for a number of seconds."]
        return ["Write a script, or upload an audio file instead."]
    problems = []
    count = char_count(scene.script)
    if count > script_limit:
        problems.append(f"The script has {count:,} characters; the limit is {script_limit:,}. Shorten it or split "
                        "it over two scenes.")
    if not scene.voice_id:
        problems.append("Choose a voice for the script.")
    return problems


def scene_problems(scene: Scene, *, script_limit: int = MAX_SCRIPT_CHARS) -> list[str]:
    """What must be fixed in one scene before the video can be sent (empty when nothing)."""
    problems = []
    for role, file in (("image", scene.picture), ("audio", scene.audio), ("clip", scene.clip)):
        if file is not None and file.error and role in _roles_in_use(scene):
            problems.append(f"{file.name}: {file.error}")
    if scene.kind == "avatar" and not scene.avatar_id:
        problems.append("Choose an avatar.")
    if scene.kind == "photo" and scene.picture is None:
        problems.append("Upload the photo that speaks.")
    if scene.kind == "image" and scene.picture is None:
        problems.append("Upload the image to show.")
    if scene.kind == "clip":
        if scene.clip is None:
            problems.append("Upload an MP4 or MOV clip.")
        if not 0.0 <= float(scene.volume) <= 1.0:
            problems.append("The clip's volume must be between 0 and 100 %.")
    elif scene.speech == "silent":
        if not scene.duration or scene.duration <= 0:
            problems.append("Set how many seconds the image shows, or narrate it.")
        elif scene.duration > MAX_STILL_SECONDS:
            problems.append(f"A still image shows for at most {MAX_STILL_SECONDS} seconds "
                            f"({scene.duration:g} s asked).")
    else:
        problems.extend(_speech_problems(scene, script_limit))
    return list(dict.fromkeys(problems))


def _roles_in_use(scene: Scene) -> set[str]:
    roles = set()
    if scene.kind in ("photo", "image"):
        roles.add("image")
    if scene.speaks and scene.speech == "audio":
        roles.add("audio")
    if scene.kind == "clip":
        roles.add("clip")
    return roles


def problems(board: Storyboard, *, script_limit: int = MAX_SCRIPT_CHARS) -> dict[str, list[str]]:
    """Every problem, by scene id (``BOARD`` for the storyboard as a whole); empty when it can be sent."""
    found: dict[str, list[str]] = {}
    if not board.scenes:
        found[BOARD] = ["Add at least one scene."]
    elif len(board.scenes) > MAX_SCENES:
        found[BOARD] = [f"A video has at most {MAX_SCENES} scenes; this storyboard has {len(board.scenes)}. "
                        "Delete some, or split it into two videos."]
    for scene in board.scenes:
        listed = scene_problems(scene, script_limit=script_limit)
        if listed:
            found[scene.id] = listed
    return found


def flat_problems(board: Storyboard, found: dict[str, list[str]]) -> dict[str, str]:
    """The problems as one line each, naming the scene ("Scene 2: ..."), in storyboard order."""
    lines: dict[str, str] = {}
    for n, message in enumerate(found.get(BOARD, [])):
        lines[f"board.{n}"] = message
    for number, scene in enumerate(board.scenes, start=1):
        for n, message in enumerate(found.get(scene.id, [])):
            lines[f"{scene.id}.{n}"] = f"Scene {number} ({scene.label.lower()}): {message}"
    return lines


# -- the request body ---------------------------------------------------------------------------------


def _voice(scene: Scene) -> dict[str, Any]:
    part: dict[str, Any] = {"script": scene.script, "voice_id": scene.voice_id}
    if scene.speed is not None and scene.speed != 1.0:
        part["voice_settings"] = {"speed": scene.speed}
    return part


def _scene_body(scene: Scene, index: int, pending: list[tuple[str, str, SceneFile]]) -> dict[str, Any]:
    """One scene's wire form; files without an asset id are added to ``pending`` (role, target, file)."""

    def ref(role: str, target: str, file: SceneFile | None) -> dict[str, Any] | None:
        if file is None:
            return None
        if file.asset_id:
            return {"type": "asset_id", "asset_id": file.asset_id}
        pending.append((role, f"{index}/{target}", file))
        return None

    def speech(into: dict[str, Any], prefix: str) -> None:
        if scene.speech == "audio":
            known = ref("audio", f"{prefix}audio_asset_id", scene.audio)
            if known:
                into["audio_asset_id"] = known["asset_id"]
        else:
            into.update(_voice(scene))

    if scene.kind == "clip":
        body: dict[str, Any] = {"type": "video"}
        source = ref("clip", "source", scene.clip)
        if source:
            body["source"] = source
        if scene.mute or float(scene.volume) != 1.0:
            body["playback"] = {"volume": round(float(scene.volume), 2), "mute": bool(scene.mute)}
        return body
    if scene.kind == "image":
        body = {"type": "image"}
        source = ref("image", "source", scene.picture)
        if source:
            body["source"] = source
        if scene.speech == "silent":
            if scene.duration:
                body["duration"] = float(scene.duration)
        else:
            speech(body, "")
        return body
    if scene.kind == "avatar":
        inner: dict[str, Any] = {"type": "avatar", "avatar_id": scene.avatar_id}
    else:
        inner = {"type": "image"}
        image = ref("image", "input/image", scene.picture)
        if image:
            inner["image"] = image
    speech(inner, "input/")
    return {"type": "avatar_video", "input": inner}


def video_title(board: Storyboard) -> str:
    """The video's title: the one typed, else the first words of the first scene's script ("" for none)."""
    if board.title.strip():
        return board.title.strip()
    first = next((s.script for s in board.scenes if s.speaks and s.speech == "script" and s.script.strip()), "")
    return default_title(first)


def build(board: Storyboard, read: Callable[[SceneFile], bytes | Path] | None = None
          ) -> tuple[StudioSpec, list[Upload]]:
    """The spec to send and the uploads that fill its files in (``read`` gives a kept file's bytes or
    its path on disk).

    Without ``read`` the uploads are left out and each missing file shows ``PLACEHOLDER`` (for the
    summary's "what will be sent").
    """
    pending: list[tuple[str, str, SceneFile]] = []
    scenes = [_scene_body(scene, i, pending) for i, scene in enumerate(board.scenes)]
    spec = StudioSpec(scenes=scenes, title=video_title(board) or None, resolution=board.resolution,
                      aspect_ratio=board.aspect_ratio, captions=None if board.captions == "off" else board.captions)
    uploads: list[Upload] = []
    for role, target, file in pending:
        if read is None:
            spec.fill(target, PLACEHOLDER)
        else:
            uploads.append(Upload(role, read(file), file.name, file.mime_type, target=target))
    return spec, uploads


def _digest(data: bytes | Path) -> str:
    """SHA-256 of bytes, or of a file read block by block."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    with open(data, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def signature(spec: StudioSpec, uploads: list[Upload]) -> str:
    """A fingerprint of what would be sent: unchanged inputs give the same one (to retry the same job)."""
    payload = {"spec": spec.to_dict(), "uploads": [(u.target, u.filename, _digest(u.data)) for u in uploads]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def adopt_assets(board: Storyboard, spec_data: dict[str, Any]) -> Storyboard:
    """The storyboard with the asset ids a launch's spec holds, so a retry does not upload them again.

    ``spec_data`` is a job's stored spec; scene ``i`` of the storyboard is scene ``i`` of the spec.
    """
    sent = StudioSpec.from_dict(spec_data)
    board = Storyboard.from_dict(board.to_dict())
    for index, scene in enumerate(board.scenes):
        if index >= len(sent.scenes):
            break
        wire = sent.scenes[index]
        inner = wire.get("input") if isinstance(wire.get("input"), dict) else {}
        if scene.kind == "clip" and scene.clip is not None:
            scene.clip.asset_id = _asset(wire.get("source")) or scene.clip.asset_id
        if scene.kind == "image" and scene.picture is not None:
            scene.picture.asset_id = _asset(wire.get("source")) or scene.picture.asset_id
        if scene.kind == "photo" and scene.picture is not None:
            scene.picture.asset_id = _asset(inner.get("image")) or scene.picture.asset_id
        if scene.audio is not None and scene.speech == "audio":
            holder = inner if scene.kind in ("avatar", "photo") else wire
            found = holder.get("audio_asset_id")
            if isinstance(found, str) and found and found != PLACEHOLDER:
                scene.audio.asset_id = found
    return board


def _asset(ref: Any) -> str | None:
    if isinstance(ref, dict) and ref.get("type") == "asset_id" and ref.get("asset_id") != PLACEHOLDER:
        return ref.get("asset_id") or None
    return None


_SCENE_IN_MESSAGE = re.compile(r"\bscenes?\s*(?:\[\s*(\d+)\s*\]|(\d+))", re.IGNORECASE)


def failure_note(message: str | None) -> str:
    """What a failed multi-scene render means: all or nothing, and the scene HeyGen's message names."""
    note = "A multi-scene video renders as a whole: when one scene fails, no video is made."
    match = _SCENE_IN_MESSAGE.search(message or "")
    if match:
        # "scenes[1]" counts from 0 (a request field); "Scene 2" counts from 1.
        number = int(match.group(1)) + 1 if match.group(1) is not None else int(match.group(2))
        note += f" HeyGen names scene {number}: fix it in the storyboard (Edit & retry), then generate again."
    else:
        note += " HeyGen did not say which scene; check each one (Edit & retry), then generate again."
    return note
