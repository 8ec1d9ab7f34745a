"""Review of the assistant's drafts: accept, edit then accept, or reject with a reason."""
