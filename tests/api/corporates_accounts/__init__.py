"""Bank account endpoints of onnuri-biz corporates (SPEC §7.2; manual 004 §2.3)."""
