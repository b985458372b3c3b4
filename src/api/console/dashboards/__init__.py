"""The SLA and first-contact dashboards: reports counted once and kept a while
(`cache`), the cases behind every figure (`counted`, `selection`, `drill_rows`) and the
weekly chart (`chart`)."""
