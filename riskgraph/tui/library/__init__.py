"""The library browser: bundled and loaded libraries, their concepts, and each concept's
mappings (key ``l`` from any main screen)."""
