"""The live meeting: public-comment queue, current item and speaker timer."""
