//! Sizes as users write them (`50MB`, `1GiB`) and as messages show them (`256 MiB`).

/// `256 MiB`, `10 KiB`, `512 bytes`.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{} {unit}", bytes / size);
        }
    }
    match bytes {
        1 => "1 byte".to_owned(),
        _ => format!("{bytes} bytes"),
    }
}

/// Parses `10MB`, `256MiB`, `1G`, `500k`, `1024` (bytes). Decimal and binary units both
/// count in powers of 1024, as users of curl's `--max-filesize` expect.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let too_large = || {
        format!("`{text}` is more bytes than runner can count (at most 2^64 − 1 bytes, just under 16 EiB)")
    };
    let number: u64 = match number.parse() {
        Ok(number) => number,
        // Digits alone that do not fit: too large, not malformed.
        Err(_) if !number.is_empty() => return Err(too_large()),
        Err(_) => return Err(format!("`{text}` is not a size; write a whole number of bytes, or with a unit: e.g. `50MB` or `1GiB`")),
    };
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        "p" | "pb" | "pib" => 1 << 50,
        "e" | "eb" | "eib" => 1 << 60,
        other if other.starts_with(['.', ',']) => {
            return Err(format!(
                "`{text}` is not a size: a size is a whole number of its unit; write e.g. `1536KB` for 1.5 MB"
            ))
        }
        _ => {
            return Err(format!(
                "`{text}` is not a size: `{}` is not a unit (B, KB, MB, GB, TB, PB, EB; KiB, MiB, GiB, TiB, PiB, EiB alike); write e.g. `50MB` or `1GiB`",
                unit.trim()
            ))
        }
    };
    number.checked_mul(multiplier).ok_or_else(too_large)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("10MB"), Ok(10 << 20));
        assert_eq!(parse_size("1 GiB"), Ok(1 << 30));
        assert!(parse_size("ten").is_err_and(|e| e.contains("is not a size")));
        assert!(parse_size("99999999999999999999").is_err_and(|e| e.contains("more bytes than")));
        assert!(parse_size("17179869184GB").is_err_and(|e| e.contains("more bytes than")));
        assert!(parse_size("1ZB").is_err_and(|e| e.contains("`ZB` is not a unit")));
        assert_eq!(parse_size("2TiB"), Ok(2 << 40));
        assert_eq!(parse_size("15EiB"), Ok(15 << 60));
        // The largest count is named in a unit runner reads: one more is too many.
        assert!(parse_size("16EiB").is_err_and(|e| e.contains("more bytes than")));
        assert!(parse_size("1.5MB").is_err_and(|e| e.contains("whole number")));
        assert_eq!(format_size(256 << 20), "256 MiB");
        assert_eq!(format_size(1000), "1000 bytes");
        assert_eq!(format_size(1), "1 byte");
    }
}
