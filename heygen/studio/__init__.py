"""The studio's own domain: job store, launching and watching renders, reconciling lost answers,
batches, media checks and the avatar/voice catalogue. It talks to HeyGen only through ``heygen.api``."""
