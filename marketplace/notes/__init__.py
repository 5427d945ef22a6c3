"""Notes: creators publish, edit and delete posts with images; public pages and the home feed."""
