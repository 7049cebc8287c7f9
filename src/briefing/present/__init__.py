"""What a pack shows: the pack and its sections, the narrative sentences, the charts, and the HTML templates.

Functions here take the frames of ``compute`` and return HTML blocks or Altair charts; they
read no files but through ``data`` and write none (that is ``export``).
"""
