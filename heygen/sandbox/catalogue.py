"""The sandbox's fixed catalogue: avatar looks and groups, voices and video-agent styles.

Generated from a fixed seed, so every start (and every process) sees the same ids and names.
Items are plain objects; `*_item(base_url)` methods give the official v3 JSON shapes.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache

SEED = 20260408
EPOCH_START = 1672531200  # 2023-01-01
EPOCH_END = 1764547200  # 2025-12-01

FEMALE_NAMES = (
    "Abigail Ada Adriana Aisha Alice Amara Amelia Ana Andrea Angela Anika Anna Aria Ava Beatriz "
    "Bella Bianca Brooke Camila Carmen Caroline Chloe Claire Clara Daisy Dana Daniela Diana Elena "
    "Eliza Ella Emily Emma Erin Eva Fatima Fiona Gabriela Grace Hana Hannah Harper Helena Imani "
    "Ines Ingrid Isabel Isla Ivy Jade Jasmine Julia June Kaia Kara Keiko Kendra Laila Laura Layla "
    "Leah Lena Lily Lina Lucia Luna Maya Mei Mia Mila Nadia Naomi Natalie Nia Nina Nora Olivia "
    "Paige Paula Priya Quinn Rachel Rosa Ruby Sara Sakura Sienna Sofia Sophie Stella Tara Tessa "
    "Valentina Vera Victoria Yara Zara Zoe Aaliyah Bonnie Celeste Delia Esme Freya Gemma Hazel "
    "Iris Joanna Kiara Lorena Marisol Noelle Odette Petra Rhea Selma Thea Uma Wanda"
).split()

MALE_NAMES = (
    "Aaron Adam Adrian Ahmed Alan Alex Andre Anton Arjun Arthur Ben Bruno Caleb Carlos Chen "
    "Chris Daniel Darius David Diego Dmitri Eli Elias Emil Eric Ethan Felix Finn Gabriel George "
    "Hans Harry Hassan Henry Hugo Ian Isaac Ivan Jack Jacob Jamal James Jason Javier Joel Jonah "
    "Jorge Jose Joshua Julian Kai Kenji Kevin Liam Leo Leon Lucas Luis Marco Marcus Mateo Max "
    "Miguel Mohammed Nathan Nico Noah Omar Oscar Owen Pablo Paul Pedro Rafael Raj Ravi Ryan Sam "
    "Samuel Santiago Sean Sergio Simon Stefan Theo Thomas Tobias Tom Victor Vikram Will Yusuf "
    "Zach Amir Bastian Cyrus Dante Emmett Farid Gideon Hiro Idris Jasper Kofi Lorenzo Malik "
    "Nikhil Orion Pierre Quentin Rohan Silas Tariq Ulrich Wesley"
).split()

STUDIO_LOOKS = (
    "Office Blazer", "Business Suit", "Studio Front", "Studio Side", "Standing Presenter",
    "Sofa Casual", "Casual Hoodie", "Denim Jacket", "Knit Sweater", "Lab Coat", "Podcast Desk",
    "Conference Stage", "Home Office", "Green Screen", "Turtleneck", "Polo Shirt",
    "Library Shelf", "Cafe Window", "Newsroom Anchor", "Classroom Board", "Medical Scrubs",
    "Warehouse Floor", "Kitchen Counter", "Rooftop Sunset", "Park Bench", "Trade Show Booth",
    "Boardroom", "Startup Loft", "Bookstore Aisle", "Product Demo",
)
VIDEO_LOOKS = (
    "Webcam Desk", "Selfie Walk", "Home Studio", "Living Room", "Garden Patio", "Office Corner",
    "Window Light", "Workshop Bench", "Coffee Break", "Bookshelf Call", "Standing Desk",
    "Team Update",
)
PHOTO_LOOKS = (
    "Headshot", "Portrait Studio", "Outdoor Portrait", "Profile Photo", "Illustrated",
    "Watercolor Portrait", "3D Render", "Vintage Photo", "Soft Light Portrait", "Black Backdrop",
)
LOOK_TAGS = (
    "business", "casual", "formal", "education", "healthcare", "sales", "marketing",
    "lifestyle", "tech", "finance", "outdoor", "indoor", "upper_body", "full_body", "sitting",
    "standing", "news", "training", "social_media", "customer_support",
)
ENGINES = {  # every look's engines; Avatar V is added per look (see Look.engines)
    "studio_avatar": ["avatar_iv", "avatar_iii"],
    "digital_twin": ["avatar_iv", "avatar_iii"],
    "photo_avatar": ["avatar_iv", "avatar_iii"],
}
MATTING_TYPES = ("studio_avatar",)  # looks shot for background removal: transparent webm works with them
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920), "square": (1080, 1080)}

# Language, share of the public voice library, female names, male names.
LANGUAGES = (
    ("English", 360, "Sara Emma Olivia Grace Chloe Hannah Megan Lauren Rachel Jessica Amber Holly "
     "Natalie Zoe Ruby Alice Ivy Nora Claire Faith",
     "James Ryan Michael Daniel Adam Tyler Brian Kevin Ethan Noah Owen Liam Mason Caleb Grant "
     "Blake Reed Dylan Cole Miles"),
    ("Spanish", 110, "Lucia Sofia Valeria Camila Elena Paula Martina Carmen Julia Alba Ines Marta",
     "Mateo Alejandro Diego Javier Pablo Sergio Hugo Alvaro Carlos Manuel Rafael Andres"),
    ("French", 80, "Camille Chloe Manon Lea Juliette Ines Louise Margaux Elise Amelie",
     "Louis Gabriel Hugo Arthur Jules Lucas Theo Antoine Mathis Raphael"),
    ("German", 75, "Anna Lena Lea Marie Hannah Mia Sophie Laura Katrin Greta",
     "Lukas Jonas Felix Leon Paul Maximilian Tobias Niklas Jan Moritz"),
    ("Portuguese", 75, "Ana Beatriz Mariana Larissa Camila Juliana Leticia Gabriela Rita Joana",
     "Joao Pedro Lucas Gustavo Rafael Tiago Bruno Rodrigo Miguel Diogo"),
    ("Italian", 55, "Giulia Chiara Francesca Sara Martina Alessia Elisa Federica",
     "Marco Luca Matteo Alessandro Davide Giovanni Lorenzo Simone"),
    ("Japanese", 55, "Yui Aoi Hina Sakura Mio Haruka Yuna Rin", "Haruto Sota Ren Yuto Kaito Riku Daiki Kenta"),
    ("Hindi", 55, "Ananya Priya Aditi Kavya Neha Pooja Riya Shreya", "Aarav Arjun Rohan Vikram Rahul Karan Aditya Ishaan"),
    ("Chinese", 50, "Mei Lin Xiu Ying Jing Hui Yan Li", "Wei Jun Hao Ming Lei Tao Jian Bo"),
    ("Korean", 40, "Jiwoo Seoyeon Minji Yuna Hayoon Sora", "Minjun Seojun Jihoon Dohyun Hyunwoo Taeyang"),
    ("Arabic", 40, "Layla Amira Noor Salma Yasmin Huda", "Omar Karim Tariq Yusuf Khalid Samir"),
    ("Dutch", 30, "Sanne Fleur Lotte Eva Noor Femke", "Daan Bram Sem Lars Thijs Ruben"),
    ("Polish", 25, "Zofia Maja Kasia Ola Natalia", "Jakub Kacper Piotr Tomasz Marek"),
    ("Turkish", 25, "Elif Zeynep Ayse Defne Ece", "Emir Mert Can Burak Kerem"),
    ("Swedish", 20, "Elsa Maja Ebba Astrid Saga", "Erik Oskar Axel Hugo Nils"),
    ("Indonesian", 20, "Putri Dewi Sari Ayu Intan", "Budi Agus Rizky Dimas Bayu"),
)
LOCALE_LANGUAGES = {"English", "Spanish", "French", "Portuguese", "German", "Chinese", "Arabic"}
VOICE_STYLES = (
    "Friendly", "Professional", "Warm", "Energetic", "Calm", "Narrator", "Conversational",
    "Newscaster", "Cheerful", "Serious", "Lively", "Soft",
)
VOICE_ENGINES = ("starfish", "multilingual", "expressive")

STYLES = (
    ("Cinematic Story", ["cinematic"], "16:9"),
    ("Retro Tech", ["retro-tech"], "16:9"),
    ("Handmade Paper", ["handmade"], "16:9"),
    ("Print Magazine", ["print"], "9:16"),
    ("Pop Culture Remix", ["pop-culture"], "9:16"),
    ("Gallery Portrait", ["iconic-artist", "print"], "1:1"),
    ("Whiteboard Explainer", ["handmade", "education"], "16:9"),
    ("Corporate Clean", ["business"], "16:9"),
    ("Neon Night", ["cinematic", "retro-tech"], "9:16"),
    ("Documentary", ["cinematic"], "16:9"),
    ("Product Launch", ["business", "pop-culture"], "16:9"),
    ("Social Short", ["pop-culture"], "9:16"),
)

BG_PALETTE = (
    (40, 62, 110), (52, 94, 86), (120, 64, 90), (70, 70, 78), (30, 100, 130), (150, 96, 52),
    (86, 60, 130), (44, 120, 96), (170, 70, 60), (60, 90, 150), (200, 160, 90), (90, 110, 60),
)
SKIN_TONES = (
    (255, 219, 172), (241, 194, 125), (224, 172, 105), (198, 134, 66), (141, 85, 36),
    (110, 68, 40),
)
HAIR_COLOURS = ((32, 24, 20), (70, 44, 26), (120, 80, 40), (200, 160, 90), (150, 40, 30), (160, 160, 165))


@dataclass
class Palette:
    """Colours for a generated head-and-shoulders preview."""

    background: tuple
    clothing: tuple
    skin: tuple
    hair: tuple
    long_hair: bool
    head_shift: float = 0.0


@dataclass
class Voice:
    """One voice of the catalogue."""

    voice_id: str
    name: str
    language: str
    gender: str
    support_pause: bool
    support_locale: bool
    type: str
    engines: list
    has_preview: bool
    pitch_hz: float

    def item(self, base_url: str) -> dict:
        """The AudioVoiceItem JSON."""
        return {
            "voice_id": self.voice_id,
            "name": self.name,
            "language": self.language,
            "gender": self.gender,
            "preview_audio_url": (
                f"{base_url}/media/public/voices/{self.voice_id}.wav" if self.has_preview else None
            ),
            "support_pause": self.support_pause,
            "support_locale": self.support_locale,
            "type": self.type,
        }


@dataclass
class Look:
    """One avatar look (what POST /v3/videos takes as avatar_id)."""

    id: str
    name: str
    avatar_type: str
    group_id: str
    gender: str
    tags: list
    default_voice_id: str
    orientation: str
    ownership: str
    status: str | None
    error: dict | None
    palette: Palette = field(repr=False)

    @property
    def ready(self) -> bool:
        """Whether the look can be used to render a video."""
        return self.status in (None, "completed")

    @property
    def engines(self) -> list:
        """supported_api_engines: Avatar V for every digital twin and, fixed by its id, about half the others."""
        avatar_v = self.avatar_type == "digital_twin" or hashlib.sha256(self.id.encode()).digest()[0] % 2 == 0
        return (["avatar_v"] if avatar_v else []) + list(ENGINES[self.avatar_type])

    @property
    def supports_matting(self) -> bool:
        """Whether output_format 'webm' (a transparent background) works with this look."""
        return self.avatar_type in MATTING_TYPES

    def item(self, base_url: str) -> dict:
        """The AvatarLookItem JSON."""
        width, height = SIZES[self.orientation]
        clip = "portrait" if self.orientation == "portrait" else "landscape"
        return {
            "id": self.id,
            "name": self.name,
            "avatar_type": self.avatar_type,
            "group_id": self.group_id,
            "preview_image_url": f"{base_url}/media/public/looks/{self.id}.png",
            "preview_video_url": f"{base_url}/media/public/clips/{clip}.mp4" if self.ready else None,
            "gender": self.gender,
            "tags": list(self.tags),
            "default_voice_id": self.default_voice_id,
            "supported_api_engines": self.engines,
            "image_width": width,
            "image_height": height,
            "preferred_orientation": self.orientation,
            "status": self.status,
            "error": dict(self.error) if self.error else None,
        }


@dataclass
class Group:
    """One avatar group (a person with several looks)."""

    id: str
    name: str
    gender: str
    created_at: int
    ownership: str
    default_voice_id: str
    looks: list = field(default_factory=list, repr=False)

    def item(self, base_url: str) -> dict:
        """The AvatarGroupItem JSON."""
        statuses = [look.status or "completed" for look in self.looks]
        if "completed" in statuses:
            status = "completed"
        else:
            status = statuses[0] if statuses else "completed"
        first = self.looks[0]
        error = first.error if status == "failed" else None
        return {
            "id": self.id,
            "name": self.name,
            "preview_image_url": f"{base_url}/media/public/groups/{self.id}.png",
            "preview_video_url": (
                f"{base_url}/media/public/clips/landscape.mp4" if status == "completed" else None
            ),
            "gender": self.gender,
            "created_at": self.created_at,
            "looks_count": len(self.looks),
            "default_voice_id": self.default_voice_id,
            "consent_status": "approved" if self.ownership == "private" else None,
            "status": status,
            "error": dict(error) if error else None,
        }


@dataclass
class Style:
    """One video-agent style."""

    style_id: str
    name: str
    tags: list
    aspect_ratio: str
    palette: Palette = field(repr=False)

    def item(self, base_url: str) -> dict:
        """The StyleItem JSON."""
        clip = "portrait" if self.aspect_ratio == "9:16" else "landscape"
        return {
            "style_id": self.style_id,
            "name": self.name,
            "thumbnail_url": f"{base_url}/media/public/styles/{self.style_id}.png",
            "preview_video_url": f"{base_url}/media/public/clips/{clip}.mp4",
            "tags": list(self.tags),
            "aspect_ratio": self.aspect_ratio,
        }


def _hex_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def _palette(rng: random.Random, gender: str, skin=None, hair=None) -> Palette:
    base = rng.choice(BG_PALETTE)
    background = tuple(max(0, min(255, c + rng.randint(-25, 25))) for c in base)
    clothing = tuple(rng.randint(20, 235) for _ in range(3))
    return Palette(
        background=background,
        clothing=clothing,
        skin=skin or rng.choice(SKIN_TONES),
        hair=hair or rng.choice(HAIR_COLOURS),
        long_hair=(gender == "female") == (rng.random() < 0.85),
        head_shift=rng.choice((0.0, 0.0, -0.12, 0.12)),
    )


class Catalogue:
    """Every look, group, voice and style, with lookups by id."""

    def __init__(self, seed: int = SEED):
        rng = random.Random(seed)
        self.voices: list[Voice] = []
        self.looks: list[Look] = []
        self.groups: list[Group] = []
        self.styles: list[Style] = []
        self._build_voices(rng)
        self._build_private_avatars(rng)
        self._build_public_avatars(rng)
        self._build_styles(rng)
        self.voice_by_id = {v.voice_id: v for v in self.voices}
        self.look_by_id = {look.id: look for look in self.looks}
        self.group_by_id = {g.id: g for g in self.groups}
        self.style_by_id = {s.style_id: s for s in self.styles}
        self.languages = sorted({v.language for v in self.voices})

    def _voice(self, rng, name, language, gender, vtype) -> Voice:
        engines = [e for e in VOICE_ENGINES if rng.random() < 0.55]
        if rng.random() < 0.75 and "starfish" not in engines:
            engines.insert(0, "starfish")
        base = 110.0 if gender == "male" else 200.0
        return Voice(
            voice_id=_hex_id(rng),
            name=name,
            language=language,
            gender=gender,
            support_pause=rng.random() < 0.85,
            support_locale=language in LOCALE_LANGUAGES and rng.random() < 0.6,
            type=vtype,
            engines=engines or ["multilingual"],
            has_preview=rng.random() >= 0.03,
            pitch_hz=base + rng.random() * 70.0,
        )

    def _build_voices(self, rng: random.Random) -> None:
        for language, count, female, male in LANGUAGES:
            combos = [
                (f"{first} - {style}", gender)
                for gender, names in (("female", female.split()), ("male", male.split()))
                for first in names
                for style in VOICE_STYLES
            ]
            rng.shuffle(combos)
            for name, gender in combos[:count]:
                self.voices.append(self._voice(rng, name, language, gender, "public"))
        english = [v for v in self.voices if v.language == "English"]
        for voice in english[:4]:
            voice.support_pause = True
            if "starfish" not in voice.engines:
                voice.engines.insert(0, "starfish")
        cloned = (
            ("Jordan (cloned)", "English", "male"),
            ("Priya (cloned)", "English", "female"),
            ("Sam Narration (cloned)", "English", "female"),
            ("Lucia Ventas (cloned)", "Spanish", "female"),
            ("Marcus Keynote (cloned)", "English", "male"),
        )
        for name, language, gender in cloned:
            voice = self._voice(rng, name, language, gender, "private")
            voice.support_pause = True
            voice.has_preview = True
            self.voices.append(voice)

    def _default_voice(self, rng: random.Random, gender: str) -> str:
        english = rng.random() < 0.8
        pool = [
            v for v in self.voices
            if v.type == "public" and v.gender == gender and (v.language == "English") == english
        ]
        return rng.choice(pool).voice_id

    def _add_group(self, rng, name, gender, ownership, avatar_type, look_specs, voice_id=None):
        group = Group(
            id=_hex_id(rng),
            name=name,
            gender=gender,
            created_at=rng.randint(EPOCH_START, EPOCH_END),
            ownership=ownership,
            default_voice_id=voice_id or self._default_voice(rng, gender),
        )
        skin = rng.choice(SKIN_TONES)
        hair = rng.choice(HAIR_COLOURS)
        for look_name, look_id, status, error in look_specs:
            if avatar_type == "photo_avatar":
                orientation = rng.choice(("portrait", "square", "square"))
            elif avatar_type == "digital_twin":
                orientation = rng.choice(("landscape", "landscape", "portrait"))
            else:
                orientation = rng.choice(("landscape", "landscape", "landscape", "portrait", "square"))
            look = Look(
                id=look_id,
                name=look_name,
                avatar_type=avatar_type,
                group_id=group.id,
                gender=gender,
                tags=sorted(rng.sample(LOOK_TAGS, rng.randint(2, 4))),
                default_voice_id=group.default_voice_id,
                orientation=orientation,
                ownership=ownership,
                status=status,
                error=error,
                palette=_palette(rng, gender, skin, hair),
            )
            group.looks.append(look)
            self.looks.append(look)
        self.groups.append(group)
        return group

    def _build_private_avatars(self, rng: random.Random) -> None:
        private_voices = [v for v in self.voices if v.type == "private"]
        specs = (
            ("Jordan Rivera", "male", "digital_twin", private_voices[0],
             ("Keynote Stage", "Home Office", "Webcam Desk", "Team Update"), {3: "processing"}),
            ("Priya Shah", "female", "digital_twin", private_voices[1],
             ("Sales Demo", "Studio Front", "Garden Patio"), {2: "processing"}),
            ("Sam Lee", "female", "photo_avatar", private_voices[2],
             ("Headshot", "Profile Photo", "Illustrated"), {2: "failed"}),
            ("Lucia Moreno", "female", "photo_avatar", private_voices[3],
             ("Portrait Studio", "Outdoor Portrait"), {1: "pending_consent"}),
            ("Marcus Webb", "male", "digital_twin", private_voices[4],
             ("Boardroom", "Standing Desk", "Coffee Break"), {1: "processing"}),
        )
        for name, gender, avatar_type, voice, looks, statuses in specs:
            look_specs = []
            for index, look_name in enumerate(looks):
                status = statuses.get(index, "completed")
                error = None
                if status == "failed":
                    error = {
                        "code": "training_failed",
                        "message": "No face detected in the uploaded photo. Use a clear, frontal photo.",
                    }
                look_specs.append((f"{name.split()[0]} {look_name}", _hex_id(rng), status, error))
            self._add_group(rng, name, gender, "private", avatar_type, look_specs, voice.voice_id)

    def _build_public_avatars(self, rng: random.Random) -> None:
        people = [(n, "female") for n in FEMALE_NAMES] + [(n, "male") for n in MALE_NAMES]
        rng.shuffle(people)
        stamp = 20240101
        for first, gender in people:
            roll = rng.random()
            if roll < 0.6:
                avatar_type, pool, count = "studio_avatar", STUDIO_LOOKS, rng.randint(4, 7)
            elif roll < 0.8:
                avatar_type, pool, count = "digital_twin", VIDEO_LOOKS, rng.randint(3, 5)
            else:
                avatar_type, pool, count = "photo_avatar", PHOTO_LOOKS, rng.randint(2, 4)
            stamp += rng.randint(1, 3)
            look_specs = [
                (f"{first} {desc}", f"{first}_{_slug(desc)}_{stamp}", "completed", None)
                for desc in rng.sample(pool, count)
            ]
            self._add_group(rng, first, gender, "public", avatar_type, look_specs)

    def _build_styles(self, rng: random.Random) -> None:
        for name, tags, aspect in STYLES:
            self.styles.append(
                Style(
                    style_id=f"style_{rng.getrandbits(64):016x}",
                    name=name,
                    tags=list(tags),
                    aspect_ratio=aspect,
                    palette=_palette(rng, "female"),
                )
            )


@lru_cache(maxsize=1)
def get_catalogue() -> Catalogue:
    """The process-wide catalogue (built once; never mutated)."""
    return Catalogue()
