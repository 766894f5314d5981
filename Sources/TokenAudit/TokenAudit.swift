import OTLPWire
