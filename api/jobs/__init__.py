"""Durable jobs: their rows in the database (store), what each kind computes
(kinds: KINDS), the task a Dask worker runs (worker), the cluster (cluster:
a LocalCluster or SPMO_DASK_SCHEDULER's), each server's runner (runner:
leases, heartbeats, claims) and the checks of a job request (requests)."""
