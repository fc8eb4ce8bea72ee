//! The implicit resolvers of PyYAML's `Resolver` and the checks of its safe constructors.

use super::Yaml11Value;
use super::pyrepr::{parse_int, parse_sexagesimal_float};
use super::scan::{Scan, digit_};

/// Types a plain scalar the way PyYAML's `safe_load` does. `s` is the scalar's text as the
/// YAML parser gives it (already folded; a plain scalar never ends with a newline).
pub fn resolve_plain(s: &str) -> Yaml11Value {
    // Fast path: every non-string form starts with a digit, a sign, `.`, `~`, `<`, `=`, or the
    // first letter of a boolean or null word. Most values (names, URLs, text) start otherwise.
    if s.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() && !b"yYnNtTfFoO".contains(&b))
    {
        return Yaml11Value::Str;
    }
    if is_bool(s) {
        return Yaml11Value::Bool(
            matches!(s.as_bytes().first(), Some(b'y' | b'Y' | b't' | b'T'))
                || s.eq_ignore_ascii_case("on"),
        );
    }
    if is_float(s) {
        return Yaml11Value::Float(construct_float(s));
    }
    if is_int(s) {
        return match parse_int(s) {
            Some(decimal) => Yaml11Value::Int(decimal),
            None => Yaml11Value::LoadError(format!("PyYAML fails to read `{s}` as an integer")),
        };
    }
    match s {
        "<<" | "=" => {
            let tag = if s == "=" { "value" } else { "merge" };
            return Yaml11Value::LoadError(format!(
                "PyYAML's safe_load has no constructor for the `{tag}` type of `{s}`"
            ));
        }
        "" | "~" | "null" | "Null" | "NULL" => return Yaml11Value::Null,
        _ => {}
    }
    if let Some(date_only) = timestamp(s) {
        return match date_only {
            Ok(date_only) => Yaml11Value::Timestamp { date_only },
            Err(why) => Yaml11Value::LoadError(why),
        };
    }
    Yaml11Value::Str
}

/// `yes`, `Yes` or `YES` (and the same for no, true, false, on, off): lower, Title or UPPER
/// case only.
fn is_bool(s: &str) -> bool {
    ["yes", "no", "true", "false", "on", "off"].iter().any(|w| {
        let (s, w) = (s.as_bytes(), w.as_bytes());
        s.len() == w.len()
            && (s == w
                || s.iter().zip(w).all(|(a, b)| *a == b.to_ascii_uppercase())
                || (s[0] == w[0].to_ascii_uppercase() && s[1..] == w[1..]))
    })
}

/// The float pattern: `1.`, `1_0.5`, `1.5e+3`, `.5`, `1:30.5`, `.inf`, `-.Inf`, `.nan`.
fn is_float(s: &str) -> bool {
    let exponent_then_end = |c: &mut Scan| {
        if c.eat(|b| b == b'e' || b == b'E') {
            c.eat(|b| b == b'-' || b == b'+')
                && c.eat_while(|b| b.is_ascii_digit()) > 0
                && c.at_end()
        } else {
            c.at_end()
        }
    };
    // [-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?
    let mut c = Scan::new(s);
    c.eat_sign();
    if c.eat(|b| b.is_ascii_digit()) {
        c.eat_while(digit_);
        let mut d = c.clone();
        if d.eat_byte(b'.') {
            d.eat_while(digit_);
            if exponent_then_end(&mut d) {
                return true;
            }
        }
        // [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*
        if c.eat_sexagesimal_groups() && c.eat_byte(b'.') {
            c.eat_while(digit_);
            return c.at_end();
        }
        return false;
    }
    // \.[0-9][0-9_]*([eE][-+][0-9]+)?
    let mut c = Scan::new(s);
    if c.eat_byte(b'.') && c.eat(|b| b.is_ascii_digit()) {
        c.eat_while(digit_);
        return exponent_then_end(&mut c);
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN")
}

/// What PyYAML's float constructor builds from a string that matched the float pattern.
fn construct_float(s: &str) -> f64 {
    let cleaned = s.replace('_', "").to_ascii_lowercase();
    let (sign, body) = match cleaned.as_bytes().first() {
        Some(b'-') => (-1.0, &cleaned[1..]),
        Some(b'+') => (1.0, &cleaned[1..]),
        _ => (1.0, &cleaned[..]),
    };
    match body {
        ".inf" => sign * f64::INFINITY,
        ".nan" => f64::NAN,
        _ if body.contains(':') => sign * parse_sexagesimal_float(body),
        _ => sign * body.parse::<f64>().unwrap_or(f64::NAN),
    }
}

/// The int pattern: `0b1_0`, `0123`, `0`, `1_000`, `0x1F`, `1:30`, each with an optional sign.
fn is_int(s: &str) -> bool {
    let mut c = Scan::new(s);
    c.eat_sign();
    let start = c.pos;
    let base_prefixed = |c: &mut Scan, prefix: &str, digit: fn(u8) -> bool| {
        let mut d = c.clone();
        d.eat_any(&[prefix]) && d.eat_while(digit) > 0 && d.at_end()
    };
    if base_prefixed(&mut c, "0b", |b| matches!(b, b'0' | b'1' | b'_'))
        || base_prefixed(&mut c, "0x", |b| b.is_ascii_hexdigit() || b == b'_')
        || base_prefixed(&mut c, "0", |b| matches!(b, b'0'..=b'7' | b'_'))
    {
        return true;
    }
    c.pos = start;
    if c.eat_byte(b'0') {
        return c.at_end();
    }
    if !c.eat(|b| matches!(b, b'1'..=b'9')) {
        return false;
    }
    c.eat_while(digit_);
    c.at_end() || (c.eat_sexagesimal_groups() && c.at_end())
}

/// `Some(Ok(date_only))` for a valid timestamp, `Some(Err(why))` for one PyYAML resolves but
/// fails to build, `None` when the timestamp pattern does not match.
fn timestamp(s: &str) -> Option<Result<bool, String>> {
    let num =
        |r: std::ops::Range<usize>| -> u32 { s.get(r).and_then(|t| t.parse().ok()).unwrap_or(0) };
    let mut c = Scan::new(s);
    if !c.eat_digits(4) {
        return None;
    }
    let year = num(0..4);
    let month = c.eat_byte(b'-').then(|| c.one_or_two_digits()).flatten()?;
    let day = c.eat_byte(b'-').then(|| c.one_or_two_digits()).flatten()?;
    let (month, day) = (num(month), num(day));
    if c.at_end() {
        // The date-only form wants a two-digit month and day.
        return (s.len() == 10).then(|| check_datetime(year, month, day, None).map(|()| true));
    }
    if !(c.eat(|b| b == b'T' || b == b't') || c.eat_while(|b| b == b' ' || b == b'\t') > 0) {
        return None;
    }
    let hour = num(c.one_or_two_digits()?);
    let minute_start = c.pos + 1;
    if !(c.eat_byte(b':') && c.eat_digits(2) && c.eat_byte(b':') && c.eat_digits(2)) {
        return None;
    }
    let minute = num(minute_start..minute_start + 2);
    let second = num(c.pos - 2..c.pos);
    if c.eat_byte(b'.') {
        c.eat_while(|b| b.is_ascii_digit());
    }
    let mut offset_minutes = 0;
    if !c.at_end() {
        c.eat_while(|b| b == b' ' || b == b'\t');
        if !c.eat_byte(b'Z') {
            if !c.eat(|b| b == b'-' || b == b'+') {
                return None;
            }
            offset_minutes = num(c.one_or_two_digits()?) * 60;
            if c.eat_byte(b':') {
                if !c.eat_digits(2) {
                    return None;
                }
                offset_minutes += num(c.pos - 2..c.pos);
            }
        }
        if !c.at_end() {
            return None;
        }
    }
    let time = (hour, minute, second, offset_minutes);
    Some(check_datetime(year, month, day, Some(time)).map(|()| false))
}

/// The range checks of Python's `date`, `datetime` and `timezone`.
fn check_datetime(
    year: u32,
    month: u32,
    day: u32,
    time: Option<(u32, u32, u32, u32)>,
) -> Result<(), String> {
    if year == 0 {
        return Err("year 0 is out of range".to_string());
    }
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(format!("month {month} is out of range")),
    };
    if day == 0 || day > days {
        return Err(format!("day {day} is out of range for the month"));
    }
    if let Some((hour, minute, second, offset_minutes)) = time {
        if hour > 23 || minute > 59 || second > 59 {
            return Err(format!(
                "{hour}:{minute:02}:{second:02} is not a time of day"
            ));
        }
        if offset_minutes >= 24 * 60 {
            return Err("a time zone offset must be under 24 hours".to_string());
        }
    }
    Ok(())
}
