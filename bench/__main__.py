"""`make bench`: run every benchmark and print its figures (never asserted in tests).

The progress and export benchmarks share one build of the large databases (SQLite and PostgreSQL);
the province progress and payroll benchmarks keep theirs between runs (bench.kept).
"""

from bench import export_speed, import_speed, payroll_speed, progress_speed, province_progress

if __name__ == "__main__":
    import_speed.main()
    with progress_speed.built_databases() as databases:
        progress_speed.main(databases)
        export_speed.main(databases)
    province_progress.main([])
    payroll_speed.main([])
