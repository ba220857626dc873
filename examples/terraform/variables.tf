variable "auth0_domain" {
  description = "The tenant's canonical domain (acme.eu.auth0.com), never a custom domain: the provider, the Management API audience and the clearer's AUTH0_DOMAIN secret all use it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*(\\.[a-z0-9-]+)*\\.auth0\\.com$", var.auth0_domain))
    error_message = "auth0_domain must be the canonical host name, e.g. \"acme.eu.auth0.com\" (no https://, no path, no custom domain)."
  }
}

variable "password_reset_flag" {
  description = "The app_metadata key that marks a user who must choose a new password (the library also keeps \"<flag>At\"). Must be the same in both Actions; changing it on a live tenant orphans the flags already set."
  type        = string

  validation {
    condition     = length(var.password_reset_flag) > 0 && !can(regex("[.$]", var.password_reset_flag))
    error_message = "password_reset_flag must be a non-empty string without \".\" or \"$\"."
  }
}

variable "password_reset_message" {
  description = "The deny reason the application receives (error_description) while the user still has to change the password."
  type        = string

  validation {
    condition     = length(var.password_reset_message) > 0
    error_message = "password_reset_message must not be empty."
  }
}

variable "password_reset_message_translations" {
  description = "Optional translations of password_reset_message by locale (\"fr\", \"fr-CA\"), chosen by event.transaction.locale."
  type        = map(string)
  default     = {}
}

variable "change_password_page_url" {
  description = "The change-password page the gate sends users who must change the password to (examples/page-server): an https:// URL."
  type        = string

  validation {
    condition     = can(regex("^https://[^/]+", var.change_password_page_url))
    error_message = "change_password_page_url must be an https:// URL."
  }
}

variable "change_password_page_secret" {
  description = "The key the post-login Action shares with the change-password page (its CHANGE_PASSWORD_PAGE_SECRET): at least 32 random bytes, e.g. `openssl rand -base64 48`. Pass it as TF_VAR_change_password_page_secret; never commit it."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.change_password_page_secret) >= 32
    error_message = "change_password_page_secret must be at least 32 characters."
  }
}
