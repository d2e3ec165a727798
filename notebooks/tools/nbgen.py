"""Builds a notebook for the bitspike kernel from markdown and code cells (no outputs)."""
import json


class Notebook:
    def __init__(self, prefix):
        self.prefix = prefix
        self.cells = []

    def md(self, text):
        self.cells.append({"cell_type": "markdown", "metadata": {}, "source": text.strip("\n")})

    def code(self, text):
        self.cells.append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                           "source": text.strip("\n")})

    def write(self, path):
        nb = {
            "cells": self.cells,
            "metadata": {
                "kernelspec": {"display_name": "Java (bitspike)", "language": "java", "name": "bitspike"},
                "language_info": {"name": "java", "file_extension": ".jshell", "mimetype": "text/x-java-source",
                                  "codemirror_mode": "java", "pygments_lexer": "java"},
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        for i, c in enumerate(nb["cells"]):
            c["id"] = "%s-%02d" % (self.prefix, i)
        with open(path, "w") as f:
            json.dump(nb, f, indent=1)
