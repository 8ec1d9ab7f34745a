"""What the screens show and do, computed away from the UI thread.

Every function here opens the register itself (``Register.reader()`` / ``writer()``), reads what
it needs in the calling thread and returns plain frozen dataclasses, so that Textual workers can
call it from a thread and hand the result to the UI. Nothing here imports Textual.
"""
