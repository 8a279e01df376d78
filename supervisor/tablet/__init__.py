"""The shared family tablet: enrolled devices and child PINs (its pages are in
``supervisor.web``)."""
