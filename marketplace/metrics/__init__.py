"""Note metrics: reports from the data feed and staff, the frozen snapshot that settles an
order, the job that closes metrics windows, and brands' campaign reports."""
