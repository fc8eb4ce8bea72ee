//! Python's view of numbers: how PyYAML's constructors compute them and what `str()` prints.

use super::Yaml11Value;

/// What Python's `str()` gives for an int or a float (`None` for any other value).
/// `1.10` gives `"1.1"`, `24.00` `"24.0"`, `1.0e+3` `"1000.0"`, `0123` `"83"`, `1_000` `"1000"`.
pub fn python_str(v: &Yaml11Value) -> Option<String> {
    match v {
        Yaml11Value::Int(decimal) => Some(decimal.clone()),
        Yaml11Value::Float(x) => Some(python_float_repr(*x)),
        _ => None,
    }
}

/// Python's `repr()` (and `str()`) of a float: the shortest digits that read back to the same
/// float, in positional notation when the decimal exponent is from -4 to 15 (with `.0` added to
/// whole numbers), otherwise in scientific notation with a signed, two-digit-minimum exponent.
pub fn python_float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0.0");
    }
    // Rust's `{:e}` gives the same shortest round-trip digits, as `d.ddddeN`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let body = if (-4..16).contains(&exp) {
        let point = exp + 1;
        let n = digits.len() as i32;
        if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if point >= n {
            format!("{digits}{}.0", "0".repeat((point - n) as usize))
        } else {
            let (int, frac) = digits.split_at(point as usize);
            format!("{int}.{frac}")
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{first}{dot}{rest}e{esign}{:02}", exp.unsigned_abs())
    };
    format!("{sign}{body}")
}

/// PyYAML's int constructor on a string that matched the int pattern: Python's decimal `str()`
/// of the result, or `None` where PyYAML raises (`0b_`, `0x_`: no digits left).
pub(super) fn parse_int(s: &str) -> Option<String> {
    let cleaned = s.replace('_', "");
    let (negative, body) = match cleaned.as_bytes().first() {
        Some(b'-') => (true, &cleaned[1..]),
        Some(b'+') => (false, &cleaned[1..]),
        _ => (false, &cleaned[..]),
    };
    let mut n = BigUint::default();
    if let Some(bin) = body.strip_prefix("0b") {
        n.push_digits(bin, 2)?;
    } else if let Some(hex) = body.strip_prefix("0x") {
        n.push_digits(hex, 16)?;
    } else if body.starts_with('0') {
        n.push_digits(body, 8)?;
    } else if body.contains(':') {
        let mut parts = body.split(':');
        n.push_digits(parts.next()?, 10)?;
        for part in parts {
            n.mul_add(60, part.parse().ok()?);
        }
    } else {
        n.push_digits(body, 10)?;
    }
    let decimal = n.to_decimal();
    Some(if negative && decimal != "0" {
        format!("-{decimal}")
    } else {
        decimal
    })
}

/// PyYAML's base-60 float: the parts read as floats and summed from the last, each times a
/// growing power of 60 (Python int powers, converted exactly like Python does).
pub(super) fn parse_sexagesimal_float(body: &str) -> f64 {
    let mut value = 0.0;
    let mut base: Option<u128> = Some(1);
    let mut base_f = 1.0_f64;
    for part in body.rsplit(':') {
        let digit: f64 = part.parse().unwrap_or(f64::NAN);
        let b = base.map_or(base_f, |b| b as f64);
        value += digit * b;
        base = base.and_then(|b| b.checked_mul(60));
        base_f = b * 60.0;
    }
    value
}

/// A non-negative integer of any size, in base 10^9 limbs, least significant first.
#[derive(Default)]
struct BigUint {
    limbs: Vec<u32>,
}

const LIMB: u64 = 1_000_000_000;

impl BigUint {
    /// `self = self * mul + add`.
    fn mul_add(&mut self, mul: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.limbs {
            let x = u64::from(*limb) * u64::from(mul) + carry;
            *limb = (x % LIMB) as u32;
            carry = x / LIMB;
        }
        while carry > 0 {
            self.limbs.push((carry % LIMB) as u32);
            carry /= LIMB;
        }
    }

    /// Appends the digits of `text` in `radix`; `None` when there is none or one is invalid.
    fn push_digits(&mut self, text: &str, radix: u32) -> Option<()> {
        if text.is_empty() {
            return None;
        }
        for c in text.chars() {
            self.mul_add(radix, c.to_digit(radix)?);
        }
        Some(())
    }

    fn to_decimal(&self) -> String {
        let mut limbs = self.limbs.iter().rev().skip_while(|&&l| l == 0);
        let Some(first) = limbs.next() else {
            return "0".to_string();
        };
        let mut out = first.to_string();
        for limb in limbs {
            out.push_str(&format!("{limb:09}"));
        }
        out
    }
}
