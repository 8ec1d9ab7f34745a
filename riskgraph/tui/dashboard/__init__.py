"""The dashboard: counts, heatmaps, coverage gaps, reviews due and drafts waiting."""
