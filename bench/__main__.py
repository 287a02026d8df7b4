"""`make bench`: run every benchmark and print its figures (never asserted in tests)."""

from bench import import_speed, payroll_speed, progress_speed

if __name__ == "__main__":
    import_speed.main()
    progress_speed.main()
    payroll_speed.main()
