//! A small cursor over ASCII text, enough to follow PyYAML's resolver patterns by hand.

#[derive(Clone)]
/// Reads a string left to right; every `eat_*` moves forward only when it matches.
pub(super) struct Scan<'a> {
    s: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Scan<'a> {
    pub(super) fn new(s: &'a str) -> Self {
        Scan {
            s: s.as_bytes(),
            pos: 0,
        }
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos == self.s.len()
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    pub(super) fn eat(&mut self, pred: impl Fn(u8) -> bool) -> bool {
        match self.peek() {
            Some(b) if pred(b) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    pub(super) fn eat_byte(&mut self, b: u8) -> bool {
        self.eat(|x| x == b)
    }

    /// Eats as many bytes as match; returns how many.
    pub(super) fn eat_while(&mut self, pred: impl Fn(u8) -> bool) -> usize {
        let start = self.pos;
        while self.eat(&pred) {}
        self.pos - start
    }

    /// Eats one of `words` when the rest starts with it.
    pub(super) fn eat_any(&mut self, words: &[&str]) -> bool {
        let rest = &self.s[self.pos..];
        match words.iter().find(|w| rest.starts_with(w.as_bytes())) {
            Some(w) => {
                self.pos += w.len();
                true
            }
            None => false,
        }
    }

    /// `[-+]?`
    pub(super) fn eat_sign(&mut self) {
        self.eat(|b| b == b'-' || b == b'+');
    }

    /// Exactly `n` ASCII digits.
    pub(super) fn eat_digits(&mut self, n: usize) -> bool {
        (0..n).all(|_| self.eat(|b| b.is_ascii_digit()))
    }

    /// `[0-9][0-9]?`: returns the span of the digits.
    pub(super) fn one_or_two_digits(&mut self) -> Option<std::ops::Range<usize>> {
        let start = self.pos;
        if !self.eat(|b| b.is_ascii_digit()) {
            return None;
        }
        self.eat(|b| b.is_ascii_digit());
        Some(start..self.pos)
    }

    /// `(?::[0-5]?[0-9])+`: the base-60 groups, at least one.
    pub(super) fn eat_sexagesimal_groups(&mut self) -> bool {
        let mut groups = 0;
        while self.peek() == Some(b':') {
            self.pos += 1;
            let tens = matches!(self.peek(), Some(b'0'..=b'5'))
                && self.s.get(self.pos + 1).is_some_and(u8::is_ascii_digit);
            if tens {
                self.pos += 1;
            }
            if !self.eat(|b| b.is_ascii_digit()) {
                return false;
            }
            groups += 1;
        }
        groups > 0
    }
}

pub(super) fn digit_(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_'
}
