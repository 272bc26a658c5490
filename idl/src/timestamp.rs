//! `google.protobuf.Timestamp`, with RFC 3339 text for the JSON mapping and conversions to
//! and from [`SystemTime`]. By hand: one fixed format (protobuf's JSON mapping of a
//! timestamp), for which a date crate would be one more dependency of every client.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Seconds of 0001-01-01T00:00:00Z, the earliest valid timestamp.
const MIN_SECONDS: i64 = -62_135_596_800;
/// Seconds of 9999-12-31T23:59:59Z, the latest valid timestamp.
const MAX_SECONDS: i64 = 253_402_300_799;

/// `google.protobuf.Timestamp`: seconds and nanoseconds since the Unix epoch, UTC.
///
/// JSON form: RFC 3339 with a `Z` suffix and 0, 3, 6 or 9 fractional digits
/// (`"2024-05-01T12:30:00.250Z"`); input accepts any offset and 0 to 9 digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Message)]
#[prost(skip_debug)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Nanoseconds within the second, 0 to 999,999,999.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

/// A timestamp out of range or text that is not RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// Outside 0001-01-01T00:00:00Z ..= 9999-12-31T23:59:59.999999999Z, or nanos out of range.
    #[error("timestamp out of range (years 1 to 9999, nanos 0 to 999999999)")]
    OutOfRange,
    /// Not of the form `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`.
    #[error("`{0}` is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS[.fff]Z)")]
    Syntax(String),
}

impl Timestamp {
    /// The current time.
    pub fn now() -> Self {
        SystemTime::now().into()
    }

    /// Checks the ranges of both fields.
    pub fn validate(&self) -> Result<(), TimestampError> {
        if (MIN_SECONDS..=MAX_SECONDS).contains(&self.seconds)
            && (0..1_000_000_000).contains(&self.nanos)
        {
            Ok(())
        } else {
            Err(TimestampError::OutOfRange)
        }
    }

    /// Formats as RFC 3339 (UTC, `Z`).
    pub fn to_rfc3339(&self) -> Result<String, TimestampError> {
        self.validate()?;
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let mut out = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        let n = self.nanos;
        if n != 0 {
            if n % 1_000_000 == 0 {
                out.push_str(&format!(".{:03}", n / 1_000_000));
            } else if n % 1_000 == 0 {
                out.push_str(&format!(".{:06}", n / 1_000));
            } else {
                out.push_str(&format!(".{n:09}"));
            }
        }
        out.push('Z');
        Ok(out)
    }

    /// Parses RFC 3339 text.
    pub fn parse_rfc3339(s: &str) -> Result<Self, TimestampError> {
        let err = || TimestampError::Syntax(s.chars().take(64).collect());
        let b = s.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't')
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(err());
        }
        let num = |r: std::ops::Range<usize>| -> Result<i64, TimestampError> {
            let part = &b[r];
            if part.iter().all(u8::is_ascii_digit) {
                Ok(part.iter().fold(0i64, |a, c| a * 10 + i64::from(c - b'0')))
            } else {
                Err(err())
            }
        };
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo)
            || d < 1
            || d > days_in_month(y, mo)
            || h > 23
            || mi > 59
            || sec > 59
        {
            return Err(err());
        }
        let mut i = 19;
        let mut nanos = 0i64;
        if b[i] == b'.' {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let digits = i - start;
            if digits == 0 || digits > 9 {
                return Err(err());
            }
            nanos = num(start..i)? * 10i64.pow(9 - digits as u32);
        }
        let offset = match b.get(i) {
            Some(b'Z' | b'z') if i + 1 == b.len() => 0,
            Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && b[i + 3] == b':' => {
                let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
                if oh > 23 || om > 59 {
                    return Err(err());
                }
                let o = oh * 3600 + om * 60;
                if *sign == b'+' { o } else { -o }
            }
            _ => return Err(err()),
        };
        let seconds = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset;
        let ts = Timestamp {
            seconds,
            nanos: nanos as i32,
        };
        ts.validate()?;
        Ok(ts)
    }
}

impl From<SystemTime> for Timestamp {
    fn from(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Timestamp {
                seconds: d.as_secs() as i64,
                nanos: d.subsec_nanos() as i32,
            },
            Err(e) => {
                let d = e.duration();
                let (mut s, mut n) = (-(d.as_secs() as i64), -(d.subsec_nanos() as i32));
                if n < 0 {
                    s -= 1;
                    n += 1_000_000_000;
                }
                Timestamp {
                    seconds: s,
                    nanos: n,
                }
            }
        }
    }
}

impl TryFrom<Timestamp> for SystemTime {
    type Error = TimestampError;
    fn try_from(t: Timestamp) -> Result<Self, TimestampError> {
        t.validate()?;
        let nanos = Duration::from_nanos(t.nanos as u64);
        let r = if t.seconds >= 0 {
            UNIX_EPOCH.checked_add(Duration::from_secs(t.seconds as u64))
        } else {
            UNIX_EPOCH.checked_sub(Duration::from_secs(t.seconds.unsigned_abs()))
        };
        r.and_then(|x| x.checked_add(nanos))
            .ok_or(TimestampError::OutOfRange)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_rfc3339() {
            Ok(s) => write!(f, "Timestamp({s})"),
            Err(_) => write!(
                f,
                "Timestamp {{ seconds: {}, nanos: {} }}",
                self.seconds, self.nanos
            ),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_rfc3339() {
            Ok(s) => f.write_str(&s),
            Err(_) => write!(f, "{}s+{}ns", self.seconds, self.nanos),
        }
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, TimestampError> {
        Self::parse_rfc3339(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339().map_err(serde::ser::Error::custom)?)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Self::parse_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(seconds: i64, nanos: i32) -> Timestamp {
        Timestamp { seconds, nanos }
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(ts(0, 0).to_rfc3339().unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(
            ts(1_714_566_600, 250_000_000).to_rfc3339().unwrap(),
            "2024-05-01T12:30:00.250Z"
        );
        assert_eq!(
            ts(951_782_400, 1_000).to_rfc3339().unwrap(),
            "2000-02-29T00:00:00.000001Z"
        );
        assert_eq!(
            ts(-1, 5).to_rfc3339().unwrap(),
            "1969-12-31T23:59:59.000000005Z"
        );
        assert_eq!(
            ts(MIN_SECONDS, 0).to_rfc3339().unwrap(),
            "0001-01-01T00:00:00Z"
        );
        assert_eq!(
            ts(MAX_SECONDS, 999_999_999).to_rfc3339().unwrap(),
            "9999-12-31T23:59:59.999999999Z"
        );
        assert_eq!(
            ts(MAX_SECONDS + 1, 0).to_rfc3339(),
            Err(TimestampError::OutOfRange)
        );
        assert_eq!(ts(0, -1).to_rfc3339(), Err(TimestampError::OutOfRange));
    }

    #[test]
    fn parses_offsets_and_fractions() {
        let p = |s: &str| Timestamp::parse_rfc3339(s);
        assert_eq!(
            p("2024-05-01T12:30:00.25Z").unwrap(),
            ts(1_714_566_600, 250_000_000)
        );
        assert_eq!(
            p("2024-05-01T14:30:00.25+02:00").unwrap(),
            ts(1_714_566_600, 250_000_000)
        );
        assert_eq!(p("2024-05-01t12:30:00z").unwrap(), ts(1_714_566_600, 0));
        assert_eq!(p("1969-12-31T23:59:59.000000005Z").unwrap(), ts(-1, 5));
        for bad in [
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-05-01 12:30:00Z",
            "2024-05-01T12:30:00",
            "2024-05-01T12:30:00.Z",
            "2024-05-01T12:30:00.1234567890Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:30:00+0200",
            "0000-12-31T23:59:59Z",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn round_trips_every_day_across_eras() {
        for day in (-719_162..2_932_896).step_by(997) {
            let t = ts(day * 86_400 + 3_723, 123_456_789);
            assert_eq!(
                Timestamp::parse_rfc3339(&t.to_rfc3339().unwrap()).unwrap(),
                t
            );
        }
    }

    #[test]
    fn system_time_conversions() {
        let before = UNIX_EPOCH - Duration::new(1, 500_000_000);
        let t = Timestamp::from(before);
        assert_eq!(t, ts(-2, 500_000_000));
        assert_eq!(SystemTime::try_from(t).unwrap(), before);
        let now = SystemTime::now();
        assert_eq!(SystemTime::try_from(Timestamp::from(now)).unwrap(), now);
    }
}
