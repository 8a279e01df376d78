"""The shared family tablet: enrolled devices, the "Who's using?" picker, PINs and switching."""
