"""Files out: a region's pack run with papermill on a (warm) kernel, exported to HTML, PDF and Word, written atomically."""
