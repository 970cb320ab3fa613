"""What runs leave: outcomes, summaries, tallies, the data dictionary, manifests, and run_replications."""
