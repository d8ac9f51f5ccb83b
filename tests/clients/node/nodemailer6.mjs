// nodemailer 6's SES transport (the SES v1 API: @aws-sdk/client-ses SendRawEmailCommand)
// against sesm serve: one message with an attachment. Prints the reply as JSON; exits 1 on any
// failure.
//
//     node nodemailer6.mjs ENDPOINT
import nodemailer from "nodemailer6";
import * as aws from "@aws-sdk/client-ses";

const [endpoint] = process.argv.slice(2);
const ses = new aws.SES({
  region: "us-east-1",
  endpoint,
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
  maxAttempts: 1,
});
const transport = nodemailer.createTransport({ SES: { ses, aws } });
try {
  const info = await transport.sendMail({
    from: "News <news@example.com>",
    to: "n6@gmail.com",
    subject: "nodemailer 6",
    text: "hello",
    attachments: [{ filename: "notes.txt", content: "alpha" }],
    ses: { ConfigurationSetName: "news" },
  });
  console.log(JSON.stringify({ messageId: info.messageId, response: info.response }));
} catch (e) {
  console.error(`FAIL: ${e.name}: ${e.message}`);
  process.exit(1);
}
