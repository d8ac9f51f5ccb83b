//! SES's SMTP credentials: the SMTP password derived from an AWS secret access key
//! ("Obtaining Amazon SES SMTP credentials", SES Developer Guide: an HMAC-SHA256 chain over the
//! date "11111111", the region, "ses", "aws4_request" and "SendRawEmail", version byte 0x04,
//! base64), for `sesm smtp-password` and for the SMTP interface's `--smtp-credentials`.

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::error::{Error, Result};
use crate::model::names::check_region;

fn sign(key: &[u8], message: &str) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The SES SMTP password of a secret access key in a region.
pub fn smtp_password(secret_key: &str, region: &str) -> String {
    let mut signature = sign(format!("AWS4{secret_key}").as_bytes(), "11111111");
    for part in [region, "ses", "aws4_request", "SendRawEmail"] {
        signature = sign(&signature, part);
    }
    let mut versioned = vec![0x04];
    versioned.extend_from_slice(&signature);
    base64::engine::general_purpose::STANDARD.encode(versioned)
}

/// `sesm smtp-password`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SmtpPassword {
    pub region: String,
    pub smtp_password: String,
}

pub fn password(secret_key: &str, region: &str) -> Result<SmtpPassword> {
    check_region(region)?;
    if secret_key.is_empty() {
        return Err(Error::invalid(
            "--secret-key is empty: give the AWS secret access key",
        ));
    }
    Ok(SmtpPassword {
        region: region.to_string(),
        smtp_password: smtp_password(secret_key, region),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_a_version_byte_and_a_signature() {
        let p = smtp_password("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1");
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&p)
            .unwrap();
        assert_eq!((raw.len(), raw[0]), (33, 0x04));
        // The same as the algorithm of the SES guide computed in Python (hmac, hashlib).
        assert_eq!(p, "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9");
        // Each region has its own password; the same inputs give the same one.
        assert_ne!(
            p,
            smtp_password("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "eu-west-1")
        );
        assert_eq!(
            p,
            smtp_password("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1")
        );
    }
}
