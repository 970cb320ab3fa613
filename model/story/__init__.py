"""What a run says: the timeline in words, read from the records, and the monthly table the DataCollector keeps."""
