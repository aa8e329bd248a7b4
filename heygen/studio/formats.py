"""Output formats of a video: which aspect ratio suits a look or photo, and what a look supports.

- ``suggested_aspect`` picks the ratio that fits the speaker's picture: portrait → 9:16, square →
  1:1, landscape → 16:9 (HeyGen's own default), from a look's ``preferred_orientation`` or size,
  or from a photo's width and height.
- ``supports_avatar_v``: the look's ``supported_api_engines`` lists ``avatar_v``.
- ``supports_transparent``: a transparent webm needs a look shot for background removal; HeyGen's
  look listing has no field for that, so the studio offers it for studio avatars (filmed for it)
  and lets HeyGen's answer speak for any other case.
"""

from __future__ import annotations

from heygen.api.avatars import AvatarLook

__all__ = ["ORIENTATION_ASPECTS", "orientation_of", "suggested_aspect", "supports_avatar_v", "supports_transparent"]

ORIENTATION_ASPECTS = {"portrait": "9:16", "square": "1:1", "landscape": "16:9"}
TRANSPARENT_TYPES = ("studio_avatar",)


def orientation_of(width: int | None, height: int | None) -> str | None:
    """"portrait", "square" or "landscape" for a picture size (within 5 % counts as square), or None."""
    if not width or not height or width <= 0 or height <= 0:
        return None
    ratio = width / height
    if 0.95 <= ratio <= 1.05:
        return "square"
    return "portrait" if ratio < 1 else "landscape"


def suggested_aspect(look: AvatarLook | None = None, *, size: tuple[int, int] | None = None) -> str | None:
    """The aspect ratio that fits a look (its preferred orientation, else its size) or a photo's size."""
    orientation = None
    if look is not None:
        orientation = look.preferred_orientation if look.preferred_orientation in ORIENTATION_ASPECTS else None
        orientation = orientation or orientation_of(look.image_width, look.image_height)
    elif size is not None:
        orientation = orientation_of(*size)
    return ORIENTATION_ASPECTS.get(orientation or "")


def supports_avatar_v(look: AvatarLook | None) -> bool:
    """Whether Avatar V may be asked for with this look."""
    return look is not None and "avatar_v" in (look.supported_api_engines or [])


def supports_transparent(look: AvatarLook | None) -> bool:
    """Whether a transparent webm is offered for this look (never for a photo)."""
    return look is not None and look.avatar_type in TRANSPARENT_TYPES
