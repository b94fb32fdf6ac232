"""A lab estate of Jira and Confluence Data Center nodes in network namespaces, reached over SSH (tests only)."""
