"""The numbered schema revisions: 0001 is the first release's schema, each later file adds to it."""
