"""The optional LLM assistant: drafts risk treatments for a person to review.

Drafts come from any OpenAI-compatible endpoint through the openai SDK. They are grounded
against the graph, stored with their PROV-O provenance in the drafts graph, and count for
nothing until a named person in the register accepts them. Core modules never import this
package (nor openai); the CLI imports it inside its command bodies.
"""
