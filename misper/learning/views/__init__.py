"""Pages for misper.learning: feedback, language figures, the recommendations tracker."""
