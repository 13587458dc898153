//! Today's date, injected so that tests never depend on the real calendar.

use std::sync::Arc;

use chrono::{FixedOffset, NaiveDate, Utc};

/// Gives today's date in the city's time zone.
pub type Clock = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// Japan Standard Time (UTC+9, no daylight saving): the survey periods and the stored
/// submission dates are Suita's calendar days.
pub fn system() -> Clock {
    let jst = FixedOffset::east_opt(9 * 3600).expect("valid offset");
    Arc::new(move || Utc::now().with_timezone(&jst).date_naive())
}

/// A clock stuck on one day, for tests and demonstrations.
pub fn fixed(date: NaiveDate) -> Clock {
    Arc::new(move || date)
}
