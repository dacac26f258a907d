"""The review report: figures assembled from records (figures.py), and their renderings."""
