"""Job-description analysis: skills, quality, inclusive language, compliance and comparison. Pure code."""
