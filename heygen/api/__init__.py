"""Everything that speaks HTTP to HeyGen: the client, one module per API resource, models and errors.

It never imports the studio's domain (``heygen.studio``) or the sandbox.
"""
