"""Training scripts for the answer reader (``python -m training.sentence_ranker``); not imported by qa."""
