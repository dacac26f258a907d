"""Annual evaluation and classification under the rule of its year, quotas, streaks, awards
and party badges."""
