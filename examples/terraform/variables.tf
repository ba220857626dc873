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
