module completions {

  def "nu-complete sesm output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm color" [] {
    [ "auto" "always" "never" ]
  }

  # Emulate an Amazon SES account with dedicated IPs and simulate their warm-up
  export extern sesm [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
  ]

  def "nu-complete sesm pool output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm pool color" [] {
    [ "auto" "always" "never" ]
  }

  # Dedicated IP pools: standard and managed
  export extern "sesm pool" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm pool output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm pool color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm pool create scaling_mode" [] {
    [ "STANDARD" "MANAGED" ]
  }

  def "nu-complete sesm pool create output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm pool create color" [] {
    [ "auto" "always" "never" ]
  }

  # Create a dedicated IP pool (STANDARD unless --managed)
  export extern "sesm pool create" [
    --managed                 # Create a managed pool (same as --scaling-mode MANAGED)
    --scaling-mode: string@"nu-complete sesm pool create scaling_mode"
    --config-set: string      # Configuration set to send through this pool (moved from its current pool); repeatable
    --tag: string             # Tag as KEY=VALUE; repeatable
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm pool create output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm pool create color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    name: string              # Pool name: 1-64 characters from a-z, 0-9, _ and -
  ]

  def "nu-complete sesm pool list output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm pool list color" [] {
    [ "auto" "always" "never" ]
  }

  # List the region's pools
  export extern "sesm pool list" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm pool list output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm pool list color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm pool get output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm pool get color" [] {
    [ "auto" "always" "never" ]
  }

  # Show a pool: its IPs, configuration sets, tags and (managed) per-ISP warm-up
  export extern "sesm pool get" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm pool get output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm pool get color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    name: string              # Pool name
  ]

  def "nu-complete sesm pool delete output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm pool delete color" [] {
    [ "auto" "always" "never" ]
  }

  # Delete a pool (a managed pool's IPs are relinquished with it)
  export extern "sesm pool delete" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm pool delete output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm pool delete color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    name: string              # Pool name
  ]

  def "nu-complete sesm pool set-scaling-mode mode" [] {
    [ "STANDARD" "MANAGED" ]
  }

  def "nu-complete sesm pool set-scaling-mode output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm pool set-scaling-mode color" [] {
    [ "auto" "always" "never" ]
  }

  # Convert a STANDARD pool to MANAGED (the reverse is refused, as in SES)
  export extern "sesm pool set-scaling-mode" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm pool set-scaling-mode output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm pool set-scaling-mode color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    name: string              # Pool name
    mode: string@"nu-complete sesm pool set-scaling-mode mode"
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm pool help" [
  ]

  # Create a dedicated IP pool (STANDARD unless --managed)
  export extern "sesm pool help create" [
  ]

  # List the region's pools
  export extern "sesm pool help list" [
  ]

  # Show a pool: its IPs, configuration sets, tags and (managed) per-ISP warm-up
  export extern "sesm pool help get" [
  ]

  # Delete a pool (a managed pool's IPs are relinquished with it)
  export extern "sesm pool help delete" [
  ]

  # Convert a STANDARD pool to MANAGED (the reverse is refused, as in SES)
  export extern "sesm pool help set-scaling-mode" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm pool help help" [
  ]

  def "nu-complete sesm config-set output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm config-set color" [] {
    [ "auto" "always" "never" ]
  }

  # Configuration sets and the pool they send through
  export extern "sesm config-set" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm config-set output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm config-set color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm config-set create tls_policy" [] {
    [ "REQUIRE" "OPTIONAL" ]
  }

  def "nu-complete sesm config-set create output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm config-set create color" [] {
    [ "auto" "always" "never" ]
  }

  # Create a configuration set
  export extern "sesm config-set create" [
    --pool: string            # Sending pool: a pool of this region, ses-default-dedicated-pool or ses-shared-pool
    --tls-policy: string@"nu-complete sesm config-set create tls_policy"
    --max-delivery-seconds: string # How long SES retries a deferred message, 300 to 50400 seconds
    --tag: string             # Tag as KEY=VALUE; repeatable
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm config-set create output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm config-set create color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    name: string              # Name: 1-64 characters from A-Z, a-z, 0-9, _ and -
  ]

  def "nu-complete sesm config-set list output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm config-set list color" [] {
    [ "auto" "always" "never" ]
  }

  # List the region's configuration sets
  export extern "sesm config-set list" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm config-set list output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm config-set list color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm config-set get output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm config-set get color" [] {
    [ "auto" "always" "never" ]
  }

  # Show a configuration set
  export extern "sesm config-set get" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm config-set get output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm config-set get color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    name: string
  ]

  def "nu-complete sesm config-set delete output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm config-set delete color" [] {
    [ "auto" "always" "never" ]
  }

  # Delete a configuration set (identities using it as default lose their default)
  export extern "sesm config-set delete" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm config-set delete output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm config-set delete color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    name: string
  ]

  def "nu-complete sesm config-set set-pool output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm config-set set-pool color" [] {
    [ "auto" "always" "never" ]
  }

  # Set the pool a configuration set sends through, or remove it with --none
  export extern "sesm config-set set-pool" [
    --none                    # Remove the sending pool (mail goes the default way)
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm config-set set-pool output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm config-set set-pool color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    name: string
    pool?: string             # The pool to send through
  ]

  def "nu-complete sesm config-set event-destination output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm config-set event-destination color" [] {
    [ "auto" "always" "never" ]
  }

  # Event destinations: where SES publishes the set's sending events
  export extern "sesm config-set event-destination" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm config-set event-destination output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm config-set event-destination color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm config-set event-destination add output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm config-set event-destination add color" [] {
    [ "auto" "always" "never" ]
  }

  # Add an event destination to a configuration set
  export extern "sesm config-set event-destination add" [
    --types: string           # Event types, comma-separated: SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION
    --disabled                # Keep the destination but publish nothing to it (Enabled false)
    --sns: string             # An SNS topic ARN
    --firehose-stream: string # A Kinesis Data Firehose delivery stream ARN (needs --firehose-role)
    --firehose-role: string   # The IAM role ARN SES uses to write to the Firehose stream
    --cloudwatch-dimension: string # A CloudWatch dimension as NAME:SOURCE:DEFAULT (SOURCE: MESSAGE_TAG, EMAIL_HEADER or LINK_TAG); repeatable
    --event-bridge: string    # The EventBridge default bus ARN (arn:aws:events:REGION:ACCOUNT:event-bus/default)
    --pinpoint: string        # A Pinpoint project ARN
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm config-set event-destination add output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm config-set event-destination add color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    config_set: string
    name: string              # The destination's name: 1-64 characters from A-Z, a-z, 0-9, _ and -
  ]

  def "nu-complete sesm config-set event-destination list output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm config-set event-destination list color" [] {
    [ "auto" "always" "never" ]
  }

  # List a configuration set's event destinations
  export extern "sesm config-set event-destination list" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm config-set event-destination list output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm config-set event-destination list color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    name: string
  ]

  def "nu-complete sesm config-set event-destination update output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm config-set event-destination update color" [] {
    [ "auto" "always" "never" ]
  }

  # Replace an event destination's definition (every flag as for add)
  export extern "sesm config-set event-destination update" [
    --types: string           # Event types, comma-separated: SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION
    --disabled                # Keep the destination but publish nothing to it (Enabled false)
    --sns: string             # An SNS topic ARN
    --firehose-stream: string # A Kinesis Data Firehose delivery stream ARN (needs --firehose-role)
    --firehose-role: string   # The IAM role ARN SES uses to write to the Firehose stream
    --cloudwatch-dimension: string # A CloudWatch dimension as NAME:SOURCE:DEFAULT (SOURCE: MESSAGE_TAG, EMAIL_HEADER or LINK_TAG); repeatable
    --event-bridge: string    # The EventBridge default bus ARN (arn:aws:events:REGION:ACCOUNT:event-bus/default)
    --pinpoint: string        # A Pinpoint project ARN
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm config-set event-destination update output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm config-set event-destination update color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    config_set: string
    name: string              # The destination's name: 1-64 characters from A-Z, a-z, 0-9, _ and -
  ]

  def "nu-complete sesm config-set event-destination remove output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm config-set event-destination remove color" [] {
    [ "auto" "always" "never" ]
  }

  # Remove an event destination
  export extern "sesm config-set event-destination remove" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm config-set event-destination remove output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm config-set event-destination remove color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    config_set: string
    name: string              # The destination's name: 1-64 characters from A-Z, a-z, 0-9, _ and -
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm config-set event-destination help" [
  ]

  # Add an event destination to a configuration set
  export extern "sesm config-set event-destination help add" [
  ]

  # List a configuration set's event destinations
  export extern "sesm config-set event-destination help list" [
  ]

  # Replace an event destination's definition (every flag as for add)
  export extern "sesm config-set event-destination help update" [
  ]

  # Remove an event destination
  export extern "sesm config-set event-destination help remove" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm config-set event-destination help help" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm config-set help" [
  ]

  # Create a configuration set
  export extern "sesm config-set help create" [
  ]

  # List the region's configuration sets
  export extern "sesm config-set help list" [
  ]

  # Show a configuration set
  export extern "sesm config-set help get" [
  ]

  # Delete a configuration set (identities using it as default lose their default)
  export extern "sesm config-set help delete" [
  ]

  # Set the pool a configuration set sends through, or remove it with --none
  export extern "sesm config-set help set-pool" [
  ]

  # Event destinations: where SES publishes the set's sending events
  export extern "sesm config-set help event-destination" [
  ]

  # Add an event destination to a configuration set
  export extern "sesm config-set help event-destination add" [
  ]

  # List a configuration set's event destinations
  export extern "sesm config-set help event-destination list" [
  ]

  # Replace an event destination's definition (every flag as for add)
  export extern "sesm config-set help event-destination update" [
  ]

  # Remove an event destination
  export extern "sesm config-set help event-destination remove" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm config-set help help" [
  ]

  def "nu-complete sesm identity output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm identity color" [] {
    [ "auto" "always" "never" ]
  }

  # Sending identities (domains and email addresses)
  export extern "sesm identity" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm identity output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm identity color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm identity create output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm identity create color" [] {
    [ "auto" "always" "never" ]
  }

  # Create a sending identity: a domain, or an email address
  export extern "sesm identity create" [
    --config-set: string      # Default configuration set
    --tag: string             # Tag as KEY=VALUE; repeatable
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm identity create output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm identity create color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    identity: string          # A domain (example.com) or an email address (news@example.com)
  ]

  def "nu-complete sesm identity import output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm identity import color" [] {
    [ "auto" "always" "never" ]
  }

  # Import identities from a file (one per line, - for stdin); all are added or none
  export extern "sesm identity import" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm identity import output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm identity import color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    file: path                # File with one identity per line, or - for stdin
  ]

  def "nu-complete sesm identity list output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm identity list color" [] {
    [ "auto" "always" "never" ]
  }

  # List the region's identities
  export extern "sesm identity list" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm identity list output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm identity list color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm identity get output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm identity get color" [] {
    [ "auto" "always" "never" ]
  }

  # Show an identity
  export extern "sesm identity get" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm identity get output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm identity get color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    identity: string
  ]

  def "nu-complete sesm identity delete output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm identity delete color" [] {
    [ "auto" "always" "never" ]
  }

  # Delete an identity
  export extern "sesm identity delete" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm identity delete output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm identity delete color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    identity: string
  ]

  def "nu-complete sesm identity set-config-set output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm identity set-config-set color" [] {
    [ "auto" "always" "never" ]
  }

  # Set an identity's default configuration set, or remove it with --none
  export extern "sesm identity set-config-set" [
    --none                    # Remove the default configuration set
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm identity set-config-set output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm identity set-config-set color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    identity: string
    config_set?: string       # The default configuration set
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm identity help" [
  ]

  # Create a sending identity: a domain, or an email address
  export extern "sesm identity help create" [
  ]

  # Import identities from a file (one per line, - for stdin); all are added or none
  export extern "sesm identity help import" [
  ]

  # List the region's identities
  export extern "sesm identity help list" [
  ]

  # Show an identity
  export extern "sesm identity help get" [
  ]

  # Delete an identity
  export extern "sesm identity help delete" [
  ]

  # Set an identity's default configuration set, or remove it with --none
  export extern "sesm identity help set-config-set" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm identity help help" [
  ]

  def "nu-complete sesm ip output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm ip color" [] {
    [ "auto" "always" "never" ]
  }

  # Dedicated IPs: lease, move, warm-up, release
  export extern "sesm ip" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm ip output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm ip color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm ip lease output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm ip lease color" [] {
    [ "auto" "always" "never" ]
  }

  # Lease standard dedicated IPs (in AWS: a support case)
  export extern "sesm ip lease" [
    --count: string           # How many IPs (at least 1)
    --pool: string            # A standard pool [default: ses-default-dedicated-pool]
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm ip lease output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm ip lease color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm ip list output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm ip list color" [] {
    [ "auto" "always" "never" ]
  }

  # List the region's dedicated IPs, or one pool's
  export extern "sesm ip list" [
    --pool: string            # Only this pool's IPs
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm ip list output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm ip list color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm ip get output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm ip get color" [] {
    [ "auto" "always" "never" ]
  }

  # Show a dedicated IP
  export extern "sesm ip get" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm ip get output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm ip get color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    ip: string
  ]

  def "nu-complete sesm ip move output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm ip move color" [] {
    [ "auto" "always" "never" ]
  }

  # Move a standard IP to another standard pool or to ses-default-dedicated-pool
  export extern "sesm ip move" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm ip move output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm ip move color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    ip: string
    pool: string              # Destination: a standard pool or ses-default-dedicated-pool
  ]

  def "nu-complete sesm ip set-warmup output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm ip set-warmup color" [] {
    [ "auto" "always" "never" ]
  }

  # Set a standard IP's warm-up percentage (100 means DONE)
  export extern "sesm ip set-warmup" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm ip set-warmup output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm ip set-warmup color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    ip: string
    percent: string           # 0 to 100
  ]

  def "nu-complete sesm ip release output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm ip release color" [] {
    [ "auto" "always" "never" ]
  }

  # Relinquish a standard IP for good
  export extern "sesm ip release" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm ip release output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm ip release color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    ip: string
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm ip help" [
  ]

  # Lease standard dedicated IPs (in AWS: a support case)
  export extern "sesm ip help lease" [
  ]

  # List the region's dedicated IPs, or one pool's
  export extern "sesm ip help list" [
  ]

  # Show a dedicated IP
  export extern "sesm ip help get" [
  ]

  # Move a standard IP to another standard pool or to ses-default-dedicated-pool
  export extern "sesm ip help move" [
  ]

  # Set a standard IP's warm-up percentage (100 means DONE)
  export extern "sesm ip help set-warmup" [
  ]

  # Relinquish a standard IP for good
  export extern "sesm ip help release" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm ip help help" [
  ]

  def "nu-complete sesm tag output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm tag color" [] {
    [ "auto" "always" "never" ]
  }

  # Tags on pools, configuration sets and identities
  export extern "sesm tag" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm tag output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm tag color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm tag add output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm tag add color" [] {
    [ "auto" "always" "never" ]
  }

  # Add or replace tags on a resource
  export extern "sesm tag add" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm tag add output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm tag add color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    resource: string          # An SES ARN, or pool/NAME, config-set/NAME, identity/NAME
    ...tags: string           # Tags as KEY=VALUE
  ]

  def "nu-complete sesm tag remove output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm tag remove color" [] {
    [ "auto" "always" "never" ]
  }

  # Remove tags from a resource (a key that is not there is ignored)
  export extern "sesm tag remove" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm tag remove output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm tag remove color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    resource: string          # An SES ARN, or pool/NAME, config-set/NAME, identity/NAME
    ...keys: string           # Tag keys
  ]

  def "nu-complete sesm tag list output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm tag list color" [] {
    [ "auto" "always" "never" ]
  }

  # List a resource's tags
  export extern "sesm tag list" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm tag list output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm tag list color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    resource: string          # An SES ARN, or pool/NAME, config-set/NAME, identity/NAME
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm tag help" [
  ]

  # Add or replace tags on a resource
  export extern "sesm tag help add" [
  ]

  # Remove tags from a resource (a key that is not there is ignored)
  export extern "sesm tag help remove" [
  ]

  # List a resource's tags
  export extern "sesm tag help list" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm tag help help" [
  ]

  def "nu-complete sesm traffic output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm traffic color" [] {
    [ "auto" "always" "never" ]
  }

  # Standing daily volume per configuration set and ISP, used by `simulate`
  export extern "sesm traffic" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm traffic output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm traffic color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm traffic set output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm traffic set color" [] {
    [ "auto" "always" "never" ]
  }

  # Set daily volumes for a configuration set (merges; ISP=0 removes that ISP)
  export extern "sesm traffic set" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm traffic set output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm traffic set color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    config_set: string
    ...volumes: string        # Daily volume per ISP, e.g. gmail=100000 (names as in `sesm isp list`)
  ]

  def "nu-complete sesm traffic list output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm traffic list color" [] {
    [ "auto" "always" "never" ]
  }

  # List the region's standing traffic
  export extern "sesm traffic list" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm traffic list output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm traffic list color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm traffic clear output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm traffic clear color" [] {
    [ "auto" "always" "never" ]
  }

  # Remove the traffic of one configuration set, or of all
  export extern "sesm traffic clear" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm traffic clear output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm traffic clear color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    config_set?: string
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm traffic help" [
  ]

  # Set daily volumes for a configuration set (merges; ISP=0 removes that ISP)
  export extern "sesm traffic help set" [
  ]

  # List the region's standing traffic
  export extern "sesm traffic help list" [
  ]

  # Remove the traffic of one configuration set, or of all
  export extern "sesm traffic help clear" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm traffic help help" [
  ]

  def "nu-complete sesm isp output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm isp color" [] {
    [ "auto" "always" "never" ]
  }

  # The mailbox providers (ISPs) the model knows
  export extern "sesm isp" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm isp output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm isp color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm isp list output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm isp list color" [] {
    [ "auto" "always" "never" ]
  }

  # The ISP table: daily capacity of a fully warm IP and days to warm
  export extern "sesm isp list" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm isp list output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm isp list color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm isp help" [
  ]

  # The ISP table: daily capacity of a fully warm IP and days to warm
  export extern "sesm isp help list" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm isp help help" [
  ]

  def "nu-complete sesm simulate output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm simulate color" [] {
    [ "auto" "always" "never" ]
  }

  # Advance the account clock day by day and simulate sending
  export extern "sesm simulate" [
    --days: string            # How many days to simulate
    --plan: path              # A CSV plan (day,config_set,isp,volume[,region]) that replaces the standing traffic
    --dry-run                 # Compute and print the result without changing the state
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm simulate output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm simulate color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm metrics metrics" [] {
    [ "Send" "ApproximateDedicatedSendingPercentage" "SentLast24Hours" "Available24HourSend" "SentShared" "Deferred" "Expired" "WarmupPercentage" "CapacityWarmupPercentage" "DedicatedIpCount" "SendEvents" "DeliveryEvents" "DeliveryDelayEvents" "BounceEvents" "ComplaintEvents" ]
  }

  def "nu-complete sesm metrics output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm metrics color" [] {
    [ "auto" "always" "never" ]
  }

  # Daily metrics in CloudWatch GetMetricData shape
  export extern "sesm metrics" [
    --pool: string            # Only this pool
    --isp: string             # Only this ISP's series
    --metric: string@"nu-complete sesm metrics metrics" # Only these metrics; repeatable
    --from: string            # First date (YYYY-MM-DD), inclusive
    --to: string              # Last date (YYYY-MM-DD), inclusive
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm metrics output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm metrics color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm dashboard output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm dashboard color" [] {
    [ "auto" "always" "never" ]
  }

  # Managed pools at a glance, in the terminal or as an HTML page
  export extern "sesm dashboard" [
    --pool: string            # Only this pool (default: every pool of the region)
    --days: string            # Show the last N simulated days (default: all)
    --html: path              # Also write a self-contained HTML page with the charts to FILE
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm dashboard output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm dashboard color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm cost output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm cost color" [] {
    [ "auto" "always" "never" ]
  }

  # Estimated cost per calendar month
  export extern "sesm cost" [
    --month: string           # Only this calendar month (YYYY-MM)
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm cost output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm cost color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm compare output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm compare color" [] {
    [ "auto" "always" "never" ]
  }

  # Standard or managed? The same mail through each, side by side, with a recommendation
  export extern "sesm compare" [
    --config-set: string      # A configuration set whose mail is compared; repeatable [default: every set with traffic]
    --plan: path              # A CSV plan (day,config_set,isp,volume[,region]) instead of the standing traffic
    --days: string            # How many days to simulate
    --standard-ips: string    # Standard options by IP count [default: the sets' current count, the fewest (2 or more) that meet the limits, and the managed run's peak (at least 2)]
    --max-shared: string      # sesm's limit: the most mail, in percent, that may go through shared IPs after the settling days
    --max-expired: string     # sesm's limit: the most mail, in percent, that may expire after the settling days
    --settle: string          # Days not measured for the limits (at most --days − 7) [default: 60, SES's 45 days of standard warm-up and 15 for the ISPs, or --days − 7 when shorter]
    --shared-floor: string    # Messages a day per ISP, on average over the run, below which shared IPs are judged on expiry alone: mail too small or irregular to keep a dedicated IP warm
    --cold                    # Start every option from nothing (no IPs, no warm-up, no month-to-date mail) instead of the account as it is
    --html: path              # Also write a self-contained HTML page comparing the options to FILE
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm compare output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm compare color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm account output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm account color" [] {
    [ "auto" "always" "never" ]
  }

  # Quotas and usage per region, the clock, auto warm-up and cost to date
  export extern "sesm account" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm account output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm account color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm account set-auto-warmup enabled" [] {
    [ "on" "off" ]
  }

  def "nu-complete sesm account set-auto-warmup output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm account set-auto-warmup color" [] {
    [ "auto" "always" "never" ]
  }

  # Turn auto warm-up of standard IPs on or off for the region
  export extern "sesm account set-auto-warmup" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm account set-auto-warmup output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm account set-auto-warmup color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    enabled: string@"nu-complete sesm account set-auto-warmup enabled"
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm account help" [
  ]

  # Turn auto warm-up of standard IPs on or off for the region
  export extern "sesm account help set-auto-warmup" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm account help help" [
  ]

  def "nu-complete sesm state output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm state color" [] {
    [ "auto" "always" "never" ]
  }

  # The state file: path, export, import, reset
  export extern "sesm state" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm state output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm state color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm state path output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm state path color" [] {
    [ "auto" "always" "never" ]
  }

  # Print the state file's path
  export extern "sesm state path" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm state path output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm state path color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm state export output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm state export color" [] {
    [ "auto" "always" "never" ]
  }

  # Print the whole state as JSON, or write it to FILE
  export extern "sesm state export" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm state export output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm state export color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    file?: path
  ]

  def "nu-complete sesm state import output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm state import color" [] {
    [ "auto" "always" "never" ]
  }

  # Replace the state with FILE (a previous export)
  export extern "sesm state import" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm state import output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm state import color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    file: path
  ]

  def "nu-complete sesm state reset output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm state reset color" [] {
    [ "auto" "always" "never" ]
  }

  # Start over with an empty account (needs --yes)
  export extern "sesm state reset" [
    --yes                     # Confirm that the whole state is to be replaced by an empty account
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm state reset output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm state reset color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm state help" [
  ]

  # Print the state file's path
  export extern "sesm state help path" [
  ]

  # Print the whole state as JSON, or write it to FILE
  export extern "sesm state help export" [
  ]

  # Replace the state with FILE (a previous export)
  export extern "sesm state help import" [
  ]

  # Start over with an empty account (needs --yes)
  export extern "sesm state help reset" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm state help help" [
  ]

  def "nu-complete sesm completions shell" [] {
    [ "bash" "zsh" "fish" "powershell" "elvish" "nushell" ]
  }

  def "nu-complete sesm completions output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm completions color" [] {
    [ "auto" "always" "never" ]
  }

  # Print a shell completion script
  export extern "sesm completions" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm completions output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm completions color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    shell: string@"nu-complete sesm completions shell"
  ]

  def "nu-complete sesm demo output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm demo color" [] {
    [ "auto" "always" "never" ]
  }

  # Build a sample account in a throwaway state and simulate 45 days
  export extern "sesm demo" [
    --days: string            # How many days to simulate
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm demo output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm demo color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm send output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm send color" [] {
    [ "auto" "always" "never" ]
  }

  # Send a message as SendEmail does, or explain its route with --explain
  export extern "sesm send" [
    --from: string            # The sender (an identity of the region, or an address of a domain identity)
    --to: string              # A recipient; repeatable
    --cc: string              # A Cc recipient; repeatable
    --bcc: string             # A Bcc recipient; repeatable
    --subject: string         # The subject line (shown in the outbox)
    --text: string            # The text body
    --html: string            # The HTML body
    --config-set: string      # The configuration set (default: the sender identity's default set)
    --count: string           # Send N identical messages (one outbox entry)
    --explain                 # Print the route the message would take and why, without sending it
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm send output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm send color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm outbox output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm outbox color" [] {
    [ "auto" "always" "never" ]
  }

  # The last 10,000 accepted messages
  export extern "sesm outbox" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm outbox output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm outbox color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm outbox list output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm outbox list color" [] {
    [ "auto" "always" "never" ]
  }

  # List accepted messages, oldest first
  export extern "sesm outbox list" [
    --to: string              # Only messages to this recipient (To, Cc or Bcc)
    --since: string           # Only messages accepted at or after TIME (2026-11-30T10:00:00Z, or a date)
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm outbox list output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm outbox list color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm outbox show output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm outbox show color" [] {
    [ "auto" "always" "never" ]
  }

  # Show one message whole: headers, text, HTML, attachments (or its .eml with --raw)
  export extern "sesm outbox show" [
    --raw                     # Print the message as kept (an .eml), not taken apart
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm outbox show output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm outbox show color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    id: string                # The message ID (as `sesm send` and SendEmail answered it)
  ]

  def "nu-complete sesm outbox clear output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm outbox clear color" [] {
    [ "auto" "always" "never" ]
  }

  # Empty the outbox (the messages still count as today's demand)
  export extern "sesm outbox clear" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm outbox clear output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm outbox clear color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm outbox help" [
  ]

  # List accepted messages, oldest first
  export extern "sesm outbox help list" [
  ]

  # Show one message whole: headers, text, HTML, attachments (or its .eml with --raw)
  export extern "sesm outbox help show" [
  ]

  # Empty the outbox (the messages still count as today's demand)
  export extern "sesm outbox help clear" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm outbox help help" [
  ]

  def "nu-complete sesm inbound output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm inbound color" [] {
    [ "auto" "always" "never" ]
  }

  # Mail the account received (`serve --inbound-port`) and what its receipt rules did
  export extern "sesm inbound" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm inbound output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm inbound color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm inbound list output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm inbound list color" [] {
    [ "auto" "always" "never" ]
  }

  # List received messages, oldest first, with the actions their rules took
  export extern "sesm inbound list" [
    --to: string              # Only messages to this recipient (an envelope recipient the account took)
    --since: string           # Only messages received at or after TIME (2026-11-30T10:00:00Z, or a date)
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm inbound list output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm inbound list color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm inbound show output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm inbound show color" [] {
    [ "auto" "always" "never" ]
  }

  # Show one received message: the actions taken, headers, text (or its .eml with --raw)
  export extern "sesm inbound show" [
    --raw                     # Print the message as received (an .eml), not taken apart
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm inbound show output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm inbound show color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    id: string                # The received message's ID (the `250 Ok ID` of the inbound endpoint)
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm inbound help" [
  ]

  # List received messages, oldest first, with the actions their rules took
  export extern "sesm inbound help list" [
  ]

  # Show one received message: the actions taken, headers, text (or its .eml with --raw)
  export extern "sesm inbound help show" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm inbound help help" [
  ]

  def "nu-complete sesm events output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm events color" [] {
    [ "auto" "always" "never" ]
  }

  # Events published to configuration sets' event destinations
  export extern "sesm events" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm events output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm events color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm events list output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm events list color" [] {
    [ "auto" "always" "never" ]
  }

  # List published events, oldest first
  export extern "sesm events list" [
    --type: string            # Only events of this type (Send, Delivery, Bounce, Complaint, DeliveryDelay, Reject, "Rendering Failure", …)
    --config-set: string      # Only events of this configuration set
    --message-id: string      # Only events of this message
    --since: string           # Only events published at or after TIME (2026-11-30T10:00:00Z, or a date)
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm events list output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm events list color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm events follow output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm events follow color" [] {
    [ "auto" "always" "never" ]
  }

  # Print events as they are published, until interrupted
  export extern "sesm events follow" [
    --type: string            # Only events of this type (Send, Delivery, Bounce, Complaint, DeliveryDelay, Reject, "Rendering Failure", …)
    --config-set: string      # Only events of this configuration set
    --message-id: string      # Only events of this message
    --since: string           # Only events published at or after TIME (2026-11-30T10:00:00Z, or a date)
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm events follow output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm events follow color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm events subscribe output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm events subscribe color" [] {
    [ "auto" "always" "never" ]
  }

  # Subscribe an HTTP endpoint to an SNS topic: `sesm serve` delivers the topic's events to it
  export extern "sesm events subscribe" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm events subscribe output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm events subscribe color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    topic: string             # The SNS topic (an event destination's TopicArn)
    url: string               # The subscriber: http://HOST:PORT/PATH
  ]

  def "nu-complete sesm events unsubscribe output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm events unsubscribe color" [] {
    [ "auto" "always" "never" ]
  }

  # Remove an HTTP subscription
  export extern "sesm events unsubscribe" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm events unsubscribe output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm events unsubscribe color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    arn: string               # The subscription's ARN (`sesm events subscriptions`)
  ]

  def "nu-complete sesm events subscriptions output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm events subscriptions color" [] {
    [ "auto" "always" "never" ]
  }

  # List the HTTP subscriptions
  export extern "sesm events subscriptions" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm events subscriptions output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm events subscriptions color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm events help" [
  ]

  # List published events, oldest first
  export extern "sesm events help list" [
  ]

  # Print events as they are published, until interrupted
  export extern "sesm events help follow" [
  ]

  # Subscribe an HTTP endpoint to an SNS topic: `sesm serve` delivers the topic's events to it
  export extern "sesm events help subscribe" [
  ]

  # Remove an HTTP subscription
  export extern "sesm events help unsubscribe" [
  ]

  # List the HTTP subscriptions
  export extern "sesm events help subscriptions" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm events help help" [
  ]

  def "nu-complete sesm suppression output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm suppression color" [] {
    [ "auto" "always" "never" ]
  }

  # The account-level suppression list: addresses SES won't deliver to
  export extern "sesm suppression" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm suppression output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm suppression color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm suppression put output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm suppression put color" [] {
    [ "auto" "always" "never" ]
  }

  # Put an address on the suppression list (or change its reason)
  export extern "sesm suppression put" [
    --reason: string          # BOUNCE or COMPLAINT
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm suppression put output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm suppression put color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    address: string           # The email address
  ]

  def "nu-complete sesm suppression get output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm suppression get color" [] {
    [ "auto" "always" "never" ]
  }

  # Show a suppressed address
  export extern "sesm suppression get" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm suppression get output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm suppression get color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    address: string           # The email address
  ]

  def "nu-complete sesm suppression list output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm suppression list color" [] {
    [ "auto" "always" "never" ]
  }

  # List suppressed addresses, sorted by address
  export extern "sesm suppression list" [
    --reason: string          # Only this reason (BOUNCE or COMPLAINT); repeatable
    --start-date: string      # Only addresses updated at or after TIME (2026-11-30T10:00:00Z, or a date)
    --end-date: string        # Only addresses updated at or before TIME (2026-11-30T10:00:00Z, or a date)
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm suppression list output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm suppression list color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm suppression remove output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm suppression remove color" [] {
    [ "auto" "always" "never" ]
  }

  # Take an address off the suppression list
  export extern "sesm suppression remove" [
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm suppression remove output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm suppression remove color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
    address: string           # The email address
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm suppression help" [
  ]

  # Put an address on the suppression list (or change its reason)
  export extern "sesm suppression help put" [
  ]

  # Show a suppressed address
  export extern "sesm suppression help get" [
  ]

  # List suppressed addresses, sorted by address
  export extern "sesm suppression help list" [
  ]

  # Take an address off the suppression list
  export extern "sesm suppression help remove" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm suppression help help" [
  ]

  def "nu-complete sesm smtp-password output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm smtp-password color" [] {
    [ "auto" "always" "never" ]
  }

  # Print the SES SMTP password of an AWS secret access key
  export extern "sesm smtp-password" [
    --secret-key: string      # The AWS secret access key
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm smtp-password output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm smtp-password color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  def "nu-complete sesm serve output" [] {
    [ "table" "json" "text" ]
  }

  def "nu-complete sesm serve color" [] {
    [ "auto" "always" "never" ]
  }

  # Serve the SESv2 API on localhost for boto3, the AWS CLI, SDKs and Terraform
  export extern "sesm serve" [
    --host: string            # The address to listen on (there is no authentication: keep it local)
    --port: string            # The port to listen on; 0 picks a free one
    --request-timeout: string # Seconds a request may take to arrive (its head, then its body; slower clients get a 408 or are closed); also how long an idle keep-alive connection stays open
    --allow-host: string      # A name clients may use in `Host` besides the listening address and localhost (repeatable); required with a --host other than loopback
    --smtp-port: string       # The SMTP interface's port (as SES's 2587, with STARTTLS); 0 picks a free one
    --no-smtp                 # Serve no SMTP interface
    --smtp-region: string     # The region SMTP mail is sent in (default: the server's region)
    --smtp-credentials: string # Accept only these SMTP credentials: an access key ID and its secret key (the SMTP password is derived from it, as SES does); repeatable. Default: any credentials
    --subscribe: string       # Deliver an SNS topic's events to an HTTP endpoint for this run (repeatable), as `sesm events subscribe` does for good
    --inbound-port: string    # Also be SES's inbound endpoint (mail to the account, as port 25 of inbound-smtp.REGION.amazonaws.com takes it: no AUTH) on this port; 0 picks a free one
    --inbound-region: string  # The region whose receipt rule sets receive inbound mail (default: the server's region)
    --day-length: string      # How much wall time a simulated day lasts (`60s`, `5m`, `1h`): the day closes by itself, as `sesm simulate --days 1` closes it; `manual` (the default): only `sesm simulate` and `POST /_sesm/simulate` move the calendar. Events are published at send either way
    --state: path             # The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    --region: string          # Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    --output(-o): string@"nu-complete sesm serve output" # How results are printed [env: SESM_OUTPUT] [default: table]
    --query: string           # JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    --color: string@"nu-complete sesm serve color" # When to use colour (NO_COLOR is honoured)
    --quiet(-q)               # No confirmations on stderr (never hides requested data)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm help" [
  ]

  # Dedicated IP pools: standard and managed
  export extern "sesm help pool" [
  ]

  # Create a dedicated IP pool (STANDARD unless --managed)
  export extern "sesm help pool create" [
  ]

  # List the region's pools
  export extern "sesm help pool list" [
  ]

  # Show a pool: its IPs, configuration sets, tags and (managed) per-ISP warm-up
  export extern "sesm help pool get" [
  ]

  # Delete a pool (a managed pool's IPs are relinquished with it)
  export extern "sesm help pool delete" [
  ]

  # Convert a STANDARD pool to MANAGED (the reverse is refused, as in SES)
  export extern "sesm help pool set-scaling-mode" [
  ]

  # Configuration sets and the pool they send through
  export extern "sesm help config-set" [
  ]

  # Create a configuration set
  export extern "sesm help config-set create" [
  ]

  # List the region's configuration sets
  export extern "sesm help config-set list" [
  ]

  # Show a configuration set
  export extern "sesm help config-set get" [
  ]

  # Delete a configuration set (identities using it as default lose their default)
  export extern "sesm help config-set delete" [
  ]

  # Set the pool a configuration set sends through, or remove it with --none
  export extern "sesm help config-set set-pool" [
  ]

  # Event destinations: where SES publishes the set's sending events
  export extern "sesm help config-set event-destination" [
  ]

  # Add an event destination to a configuration set
  export extern "sesm help config-set event-destination add" [
  ]

  # List a configuration set's event destinations
  export extern "sesm help config-set event-destination list" [
  ]

  # Replace an event destination's definition (every flag as for add)
  export extern "sesm help config-set event-destination update" [
  ]

  # Remove an event destination
  export extern "sesm help config-set event-destination remove" [
  ]

  # Sending identities (domains and email addresses)
  export extern "sesm help identity" [
  ]

  # Create a sending identity: a domain, or an email address
  export extern "sesm help identity create" [
  ]

  # Import identities from a file (one per line, - for stdin); all are added or none
  export extern "sesm help identity import" [
  ]

  # List the region's identities
  export extern "sesm help identity list" [
  ]

  # Show an identity
  export extern "sesm help identity get" [
  ]

  # Delete an identity
  export extern "sesm help identity delete" [
  ]

  # Set an identity's default configuration set, or remove it with --none
  export extern "sesm help identity set-config-set" [
  ]

  # Dedicated IPs: lease, move, warm-up, release
  export extern "sesm help ip" [
  ]

  # Lease standard dedicated IPs (in AWS: a support case)
  export extern "sesm help ip lease" [
  ]

  # List the region's dedicated IPs, or one pool's
  export extern "sesm help ip list" [
  ]

  # Show a dedicated IP
  export extern "sesm help ip get" [
  ]

  # Move a standard IP to another standard pool or to ses-default-dedicated-pool
  export extern "sesm help ip move" [
  ]

  # Set a standard IP's warm-up percentage (100 means DONE)
  export extern "sesm help ip set-warmup" [
  ]

  # Relinquish a standard IP for good
  export extern "sesm help ip release" [
  ]

  # Tags on pools, configuration sets and identities
  export extern "sesm help tag" [
  ]

  # Add or replace tags on a resource
  export extern "sesm help tag add" [
  ]

  # Remove tags from a resource (a key that is not there is ignored)
  export extern "sesm help tag remove" [
  ]

  # List a resource's tags
  export extern "sesm help tag list" [
  ]

  # Standing daily volume per configuration set and ISP, used by `simulate`
  export extern "sesm help traffic" [
  ]

  # Set daily volumes for a configuration set (merges; ISP=0 removes that ISP)
  export extern "sesm help traffic set" [
  ]

  # List the region's standing traffic
  export extern "sesm help traffic list" [
  ]

  # Remove the traffic of one configuration set, or of all
  export extern "sesm help traffic clear" [
  ]

  # The mailbox providers (ISPs) the model knows
  export extern "sesm help isp" [
  ]

  # The ISP table: daily capacity of a fully warm IP and days to warm
  export extern "sesm help isp list" [
  ]

  # Advance the account clock day by day and simulate sending
  export extern "sesm help simulate" [
  ]

  # Daily metrics in CloudWatch GetMetricData shape
  export extern "sesm help metrics" [
  ]

  # Managed pools at a glance, in the terminal or as an HTML page
  export extern "sesm help dashboard" [
  ]

  # Estimated cost per calendar month
  export extern "sesm help cost" [
  ]

  # Standard or managed? The same mail through each, side by side, with a recommendation
  export extern "sesm help compare" [
  ]

  # Quotas and usage per region, the clock, auto warm-up and cost to date
  export extern "sesm help account" [
  ]

  # Turn auto warm-up of standard IPs on or off for the region
  export extern "sesm help account set-auto-warmup" [
  ]

  # The state file: path, export, import, reset
  export extern "sesm help state" [
  ]

  # Print the state file's path
  export extern "sesm help state path" [
  ]

  # Print the whole state as JSON, or write it to FILE
  export extern "sesm help state export" [
  ]

  # Replace the state with FILE (a previous export)
  export extern "sesm help state import" [
  ]

  # Start over with an empty account (needs --yes)
  export extern "sesm help state reset" [
  ]

  # Print a shell completion script
  export extern "sesm help completions" [
  ]

  # Build a sample account in a throwaway state and simulate 45 days
  export extern "sesm help demo" [
  ]

  # Send a message as SendEmail does, or explain its route with --explain
  export extern "sesm help send" [
  ]

  # The last 10,000 accepted messages
  export extern "sesm help outbox" [
  ]

  # List accepted messages, oldest first
  export extern "sesm help outbox list" [
  ]

  # Show one message whole: headers, text, HTML, attachments (or its .eml with --raw)
  export extern "sesm help outbox show" [
  ]

  # Empty the outbox (the messages still count as today's demand)
  export extern "sesm help outbox clear" [
  ]

  # Mail the account received (`serve --inbound-port`) and what its receipt rules did
  export extern "sesm help inbound" [
  ]

  # List received messages, oldest first, with the actions their rules took
  export extern "sesm help inbound list" [
  ]

  # Show one received message: the actions taken, headers, text (or its .eml with --raw)
  export extern "sesm help inbound show" [
  ]

  # Events published to configuration sets' event destinations
  export extern "sesm help events" [
  ]

  # List published events, oldest first
  export extern "sesm help events list" [
  ]

  # Print events as they are published, until interrupted
  export extern "sesm help events follow" [
  ]

  # Subscribe an HTTP endpoint to an SNS topic: `sesm serve` delivers the topic's events to it
  export extern "sesm help events subscribe" [
  ]

  # Remove an HTTP subscription
  export extern "sesm help events unsubscribe" [
  ]

  # List the HTTP subscriptions
  export extern "sesm help events subscriptions" [
  ]

  # The account-level suppression list: addresses SES won't deliver to
  export extern "sesm help suppression" [
  ]

  # Put an address on the suppression list (or change its reason)
  export extern "sesm help suppression put" [
  ]

  # Show a suppressed address
  export extern "sesm help suppression get" [
  ]

  # List suppressed addresses, sorted by address
  export extern "sesm help suppression list" [
  ]

  # Take an address off the suppression list
  export extern "sesm help suppression remove" [
  ]

  # Print the SES SMTP password of an AWS secret access key
  export extern "sesm help smtp-password" [
  ]

  # Serve the SESv2 API on localhost for boto3, the AWS CLI, SDKs and Terraform
  export extern "sesm help serve" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "sesm help help" [
  ]

}

export use completions *
