terraform {
  # lifecycle preconditions (main.tf) need Terraform 1.2+.
  required_version = ">= 1.5.0"

  required_providers {
    auth0 = {
      source = "auth0/auth0"
      # v1.11.0 is the first release whose auth0_action accepts runtime = "node22";
      # auth0_client_credentials (the M2M secret, below) exists since v1.0.0.
      version = "~> 1.11"
    }
  }
}
