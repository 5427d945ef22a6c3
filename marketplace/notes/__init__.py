"""Notes: creators publish, edit and delete posts with images; the note pages. (The home feed
reads the search index: see ``search``.)"""
