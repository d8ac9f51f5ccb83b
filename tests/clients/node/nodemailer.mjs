// nodemailer's SES transport (v7: @aws-sdk/client-sesv2 SendEmailCommand) against sesm serve:
// verify() must pass (it probes with an unverified sender and takes MessageRejected for a
// working transport), then one message with Cc, Bcc, HTML and two attachments is sent through
// the configuration set `news`. Prints the reply as JSON; exits 1 on any failure.
//
//     node nodemailer.mjs ENDPOINT
import nodemailer from "nodemailer";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";

const [endpoint] = process.argv.slice(2);
const sesClient = new SESv2Client({
  region: "us-east-1",
  endpoint,
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
  maxAttempts: 1,
});
const transport = nodemailer.createTransport({ SES: { sesClient, SendEmailCommand } });
try {
  const verified = await transport.verify();
  const info = await transport.sendMail({
    from: "News <news@example.com>",
    to: "a@gmail.com",
    cc: "c@yahoo.com",
    bcc: "b@outlook.com",
    subject: "Two attachments",
    text: "hello",
    html: "<p>hello</p>",
    attachments: [
      { filename: "notes.txt", content: "alpha" },
      { filename: "data.bin", content: Buffer.from([0, 1, 2, 3, 255]) },
    ],
    ses: { ConfigurationSetName: "news" },
  });
  console.log(JSON.stringify({ verified, messageId: info.messageId, response: info.response }));
} catch (e) {
  console.error(`FAIL: ${e.name}: ${e.message}`);
  process.exit(1);
}
