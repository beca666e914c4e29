"""Analysis: filters, coverage and priority, KPIs, clusters, hot spots, public aggregates."""
