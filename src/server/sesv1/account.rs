//! The account in v1's words: GetSendQuota, GetSendStatistics, GetAccountSendingEnabled,
//! UpdateAccountSendingEnabled.

use super::Call;
use super::shapes::{
    GetAccountSendingEnabledResponse, GetSendQuotaResponse, GetSendStatisticsResponse,
    SendDataPoint, UpdateAccountSendingEnabledRequest,
};
use crate::error::Result;
use crate::ops;
use crate::server::api::Api;
use crate::server::http::Response;

pub fn get_send_quota(api: &Api, c: &Call) -> Result<Response> {
    let q = api.send_quota(&c.region)?;
    c.result(&GetSendQuotaResponse {
        max24_hour_send: Some(q.max_24_hour_send),
        max_send_rate: Some(q.max_send_rate),
        sent_last24_hours: Some(q.sent_last_24_hours),
    })
}

pub fn get_send_statistics(api: &Api, c: &Call) -> Result<Response> {
    let events = api.live().store().region_events(&c.region)?;
    let points = api.read(|s| ops::account::send_statistics(s, &c.region, &events))?;
    c.result(&GetSendStatisticsResponse {
        send_data_points: Some(
            points
                .into_iter()
                .map(|p| SendDataPoint {
                    timestamp: format!("{}T00:00:00Z", p.date).parse().ok(),
                    delivery_attempts: Some(p.delivery_attempts as i64),
                    bounces: Some(p.bounces as i64),
                    complaints: Some(p.complaints as i64),
                    rejects: Some(0),
                })
                .collect(),
        ),
    })
}

pub fn get_sending_enabled(api: &Api, c: &Call) -> Result<Response> {
    let a = api.read(|s| ops::account::get(s, &c.region))?;
    c.result(&GetAccountSendingEnabledResponse {
        enabled: Some(a.sending_enabled),
    })
}

pub fn update_sending_enabled(api: &Api, c: &Call) -> Result<Response> {
    let r: UpdateAccountSendingEnabledRequest = c.input()?;
    // Left out, Enabled means enabled: the action's purpose is to turn sending back on.
    let enabled = r.enabled.unwrap_or(true);
    api.write(|s| ops::account::set_sending(s, &c.region, enabled))?;
    c.done()
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;

    #[test]
    fn quota_statistics_and_sending() {
        let door = Door::new();
        let xml = door.ok("Action=GetSendQuota");
        assert!(xml.contains("<GetSendQuotaResult><Max24HourSend>"), "{xml}");
        assert!(
            xml.contains("<SentLast24Hours>0.0</SentLast24Hours>"),
            "{xml}"
        );
        door.ok("Action=VerifyDomainIdentity&Domain=example.com");
        door.ok("Action=SendEmail&Source=a%40example.com&Destination.ToAddresses.member.1=b%40example.org&Destination.ToAddresses.member.2=c%40example.org&Message.Subject.Data=Hi&Message.Body.Text.Data=x");
        // What was sent counts at once, as SESv2's GetAccount counts it.
        let xml = door.ok("Action=GetSendQuota");
        assert!(
            xml.contains("<SentLast24Hours>2.0</SentLast24Hours>"),
            "{xml}"
        );
        let xml = door.ok("Action=GetSendStatistics");
        assert!(
            xml.contains("<GetSendStatisticsResult><SendDataPoints"),
            "{xml}"
        );
        let xml = door.ok("Action=GetAccountSendingEnabled");
        assert!(xml.contains("<Enabled>true</Enabled>"), "{xml}");
        door.ok("Action=UpdateAccountSendingEnabled&Enabled=false");
        let xml = door.ok("Action=GetAccountSendingEnabled");
        assert!(xml.contains("<Enabled>false</Enabled>"), "{xml}");
    }
}
