//! The account's details, delivery mode and plan (`PutAccountDetails`,
//! `PutAccountDeliveryAttributes`, `PutAccountPricingAttributes`, GetAccount's `Details`,
//! `DeliveryAttributes` and `PricingAttributes`) and identities' S/MIME certificates
//! (`AssociateEmailIdentityCertificate`, `DisassociateEmailIdentityCertificate`,
//! `ListEmailIdentityCertificates`): rules U1–U6 and H1–H5 in `model::account_settings`.

use jiff::civil::Date;

use super::{Page, Paging, page};
use crate::error::Result;
use crate::model::State;
use crate::model::account_settings::{
    self as settings, AccountSettings, Certificate, Details, Pricing,
};

/// What GetAccount adds from the settings: the details with the review's status, the delivery
/// mode, and the plan in force with the one scheduled.
#[derive(Debug, Clone, Default)]
pub struct SettingsView {
    pub details: Option<(Details, &'static str)>,
    pub shared_pool_delivery_mode: Option<String>,
    pub plan: Option<(String, Option<String>)>,
}

pub fn view(s: &State, region: &str) -> SettingsView {
    let a: &AccountSettings = &s.region(region).account;
    SettingsView {
        details: a.details.clone().map(|d| {
            let status = settings::review_status(&d, s.date);
            (d, status)
        }),
        shared_pool_delivery_mode: a.shared_pool_delivery_mode.clone(),
        plan: a.pricing.as_ref().map(|p| p.on(s.date)),
    }
}

/// PutAccountDetails (U1–U4): the request is recorded on the account clock's day, with a case
/// ID; its review is granted when the clock moves on.
pub fn put_details(s: &mut State, region: &str, mut d: Details) -> Result<()> {
    d.requested = s.date;
    d.case_id = case_id(region, &d);
    settings::check_details(&d)?;
    s.region_mut(region).account.details = Some(d);
    Ok(())
}

/// A support case's number: ten digits of the request's hash, stable for the same request on
/// the same day.
fn case_id(region: &str, d: &Details) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("{region}\n{}\n{}", d.website_url, d.requested).as_bytes());
    let n = u64::from_be_bytes(h[..8].try_into().unwrap_or_default()) % 10_000_000_000;
    format!("{n:010}")
}

/// PutAccountDeliveryAttributes (U5).
pub fn put_delivery_mode(s: &mut State, region: &str, mode: &str) -> Result<()> {
    settings::check_delivery_mode(mode)?;
    s.region_mut(region).account.shared_pool_delivery_mode = Some(mode.to_string());
    Ok(())
}

/// PutAccountPricingAttributes (U6): the plan takes effect on the first day of the next month
/// of the account clock; until then GetAccount shows it as `NextPlan`. An account that never
/// chose a plan is on `NONE`.
pub fn put_plan(s: &mut State, region: &str, plan: &str) -> Result<()> {
    settings::check_plan(plan)?;
    let today = s.date;
    let r = s.region_mut(region);
    let (current, _) = r
        .account
        .pricing
        .as_ref()
        .map(|p| p.on(today))
        .unwrap_or_else(|| ("NONE".to_string(), None));
    let next = (current != plan).then(|| plan.to_string());
    r.account.pricing = Some(Pricing {
        current,
        from: next.as_ref().map(|_| settings::next_month(today)),
        next,
    });
    Ok(())
}

/// AssociateEmailIdentityCertificate (H1–H4).
pub fn associate_certificate(
    s: &mut State,
    region: &str,
    identity: &str,
    from: Option<&str>,
    arn: &str,
) -> Result<()> {
    let (name, _) = s.region(region).existing_identity(identity)?;
    settings::check_certificate_arn(arn)?;
    let address = settings::certificate_address(&name, from)?;
    let cert = Certificate {
        certificate_arn: arn.to_string(),
        associated: s.date,
    };
    s.region_mut(region)
        .associate_certificate(&name, &address, cert)
}

/// DisassociateEmailIdentityCertificate (H5).
pub fn disassociate_certificate(
    s: &mut State,
    region: &str,
    identity: &str,
    from: Option<&str>,
) -> Result<()> {
    let (name, _) = s.region(region).existing_identity(identity)?;
    let address = settings::certificate_address(&name, from)?;
    s.region_mut(region)
        .disassociate_certificate(&name, &address)
}

/// ListEmailIdentityCertificates: an identity's associations by address, paged; each the
/// address, the certificate ARN and its status today.
pub fn list_certificates(
    s: &State,
    region: &str,
    identity: &str,
    paging: &Paging,
) -> Result<Page<(String, String, &'static str)>> {
    let (name, _) = s.region(region).existing_identity(identity)?;
    let today: Date = s.date;
    let items = s
        .region(region)
        .identity_certificates
        .get(&name)
        .into_iter()
        .flatten()
        .map(|(a, c)| {
            let row = (a.clone(), c.certificate_arn.clone(), c.status(today));
            (a.clone(), row)
        })
        .collect();
    page(&format!("certificates/{name}"), items, paging)
}
