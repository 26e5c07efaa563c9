"""jdi event contracts. Depends on pydantic only, so upstream teams can install it alone."""
