"""The stages of a child's track: instruction, learner's permit and licence.

This package will hold pure domain code with no Flask imports: one module per stage
declaring its title, requirements and the stages it may move to, a registry validated at
import, and the engine that checks requirements and records every transition.
"""
