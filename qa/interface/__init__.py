"""Interfaces: command line, Gradio chat, chat rendering, citations, inspection."""
